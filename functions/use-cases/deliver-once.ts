import type { OutboundMessage } from '../domain/messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';

export interface DeliveryDeps {
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly clock: Clock;
}

/**
 * Sends each message at most once per message id.
 *
 * Primary course: claim the id in the ledger, send, keep the claim.
 * A failed send gives the claim back and rethrows, so the redelivered record sends it again.
 * @returns how many messages were sent now (0 for a replay)
 */
export async function deliverOnce(messages: readonly OutboundMessage[], deps: DeliveryDeps): Promise<number> {
  let sent = 0;
  for (const message of messages) {
    if (!(await deps.ledger.claim(message.id, deps.clock.now()))) continue;
    try {
      await deps.notifier.send(message);
      sent += 1;
    } catch (err) {
      await deps.ledger.release(message.id);
      throw err;
    }
  }
  return sent;
}
