import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClockBacklogError, createLocalServer } from '../../functions/local/http-server.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { bearerAuthorizer } from '../support/bearer-authorizer.ts';

const servers: Array<{ close(cb: () => void): void }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((ok) => s.close(() => ok()))));
});

/** A local server whose clock endpoint meets a backlog still draining. */
async function serverWith(advanceClock: (t: Date) => Promise<Date>): Promise<string> {
  const server = createLocalServer({ routes: [], clock: new SimulatedClock(new Date('2026-03-02T01:00:00Z')), authorizer: bearerAuthorizer('t'), advanceClock, localViews: {} });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const advance = (url: string) => fetch(`${url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceBy":"PT1H"}' });

describe('POST /local/clock while stream consumers drain a backlog', () => {
  it('answers 409 with what is pending when the clock could not move yet', async () => {
    const url = await serverWith(async () => {
      throw new ClockBacklogError(false, new Date('2026-03-02T01:00:00Z'), 'volumeMonitor: shard-1: 100 buffered');
    });
    const res = await advance(url);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'backlog_pending', now: '2026-03-02T01:00:00.000Z', pending: 'volumeMonitor: shard-1: 100 buffered' });
  });

  it('answers 202 with the new time and what is pending when the clock moved', async () => {
    const url = await serverWith(async () => {
      throw new ClockBacklogError(true, new Date('2026-03-02T02:00:00Z'), 'progressNotifier: shard-1: 3 buffered');
    });
    const res = await advance(url);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ now: '2026-03-02T02:00:00.000Z', pending: 'progressNotifier: shard-1: 3 buffered' });
  });
});
