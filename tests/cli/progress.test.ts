import { describe, expect, it } from 'vitest';
import { createProgress } from '../../functions/cli/progress.ts';

function sink(tty: boolean) {
  let now = 1_000_000;
  const out: string[] = [];
  return { out, advance: (ms: number) => (now += ms), sink: { tty, write: (t: string) => out.push(t), now: () => now } };
}

describe('createProgress', () => {
  it('writes plain lines at most every interval when not on a terminal, and a last one when done', () => {
    const s = sink(false);
    const p = createProgress(10_000, 'replay (static)   ', s.sink, 2_000);
    p.update(1_024);
    expect(s.out).toEqual([]);
    s.advance(2_500);
    p.update(4_096);
    s.advance(500);
    p.update(5_120);
    s.advance(2_000);
    p.update(8_192);
    p.done();
    expect(s.out).toEqual([
      'replay (static): 40% 4,096/10,000 rows (2.5 s)\n',
      'replay (static): 81% 8,192/10,000 rows (5.0 s)\n',
      'replay (static): 81% 8,192/10,000 rows (5.0 s) done\n',
    ]);
    expect(s.out.join('')).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, only when the percentage changes', () => {
    const s = sink(true);
    const p = createProgress(200, 'replay', s.sink);
    p.update(1);
    p.update(1);
    p.update(100);
    p.done();
    expect(s.out).toHaveLength(3);
    expect(s.out[0]).toMatch(/^\rreplay \[\.{30}\]   0% 1\/200 rows$/);
    expect(s.out[1]).toMatch(/^\rreplay \[#{15}\.{15}\]  50% 100\/200 rows$/);
    expect(s.out[2]).toBe('\n');
  });
});
