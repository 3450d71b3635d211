import { setTimeout as sleepMs } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import type { Clock } from '../ports/clock.ts';
import { MessageInProgressError } from '../use-cases/deliver-once.ts';

/**
 * Time kept back from the invocation's remaining time when waiting out a held claim: enough to run
 * the record again (a few reads and writes, one send) before the function's timeout.
 */
export const HELD_CLAIM_SAFETY_MARGIN_MS = 5_000;

/** Shortest wait between two looks at a held claim (the local clock moves in 250 ms steps). */
const MIN_WAIT_MS = 250;

/** How a stream consumer waits out a claim held by a delivery that may have died. */
export interface HeldClaimWaitOptions {
  /** The clock the claims' leases are on (the runtime's: the system clock in Lambda, the simulated one locally). */
  readonly clock: () => Clock;
  /**
   * How to wait `ms` on `clock`.
   * @default the invocation's own `sleep` when it has one (the local stream poller's, on the
   * simulated clock), else a timer (real milliseconds, as in Lambda)
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default HELD_CLAIM_SAFETY_MARGIN_MS */
  readonly safetyMarginMs?: number;
}

/**
 * The part of the Lambda context the wait needs. The local stream poller's context has both members,
 * on the simulated clock; Lambda's has only the remaining time, on real time, and a timer waits.
 */
export type InvocationTime = Partial<Pick<Context, 'getRemainingTimeInMillis'>> & {
  /**
   * Local runtime only: waits `ms` on the clock the remaining time counts down on (the simulated
   * one), so the wait ends when that clock gets there, following real time or moved ahead by
   * `POST /local/clock`; meanwhile the runtime counts the consumer as idle, so the clock can move.
   */
  readonly sleep?: (ms: number) => Promise<void>;
};

/**
 * Runs `attempt` (the effects of one stream record or batch, idempotent through the ledgers) and,
 * when it meets a claim another delivery holds (MessageInProgressError), waits inside this invocation
 * for that claim's lease to end and runs it again, so the dead holder's message is taken over and
 * sent now. A stream record must not just fail: the mapping retries it back to back, its retries
 * would run out within seconds, long before the lease, and the message would be lost.
 *
 * The wait never goes past the invocation's remaining time less the safety margin. When the lease
 * ends later than that, the whole remaining time is waited and the error rethrown: the retry of the
 * record finds that much less of the lease left. A lease is the claiming function's timeout plus a
 * margin (functions/pipeline.ts `claimLeaseSecondsOf`), so for any timeout of 15 s or more (the
 * margins twice plus the lease's) at most one such retry is needed.
 * Without a Lambda context (tests calling a handler directly) nothing is waited.
 * The remaining time, the sleep and the lease must be on one clock, or the wait is cut short or
 * overruns: in Lambda all three are real time; locally all three are the simulated clock.
 */
export async function waitingOutHeldClaims<T>(attempt: () => Promise<T>, context: InvocationTime | undefined, options: HeldClaimWaitOptions): Promise<T> {
  const sleep = options.sleep ?? context?.sleep ?? ((ms: number) => sleepMs(ms));
  const margin = options.safetyMarginMs ?? HELD_CLAIM_SAFETY_MARGIN_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof MessageInProgressError) || typeof context?.getRemainingTimeInMillis !== 'function') throw err;
      const budget = context.getRemainingTimeInMillis() - margin;
      if (budget <= 0) throw err;
      const leaseLeft = Math.max(Date.parse(err.leaseUntil) - options.clock().now().getTime(), MIN_WAIT_MS);
      if (leaseLeft > budget) {
        await sleep(budget);
        throw err;
      }
      await sleep(leaseLeft);
    }
  }
}
