import type { OutboundMessage } from '../domain/messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';

export interface DeliveryDeps {
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly clock: Clock;
}

/**
 * Thrown when another delivery holds a live claim on a message: it may still be sending, so this one
 * must neither send nor treat the message as sent. Transient: a stream record fails and is retried,
 * a scheduled run leaves the item for its next run; once the holder's lease runs out the claim is
 * taken over.
 */
export class MessageInProgressError extends Error {
  override readonly name = 'MessageInProgressError';
  constructor(
    readonly messageIds: readonly string[],
    readonly leaseUntil: string,
  ) {
    super(`${messageIds.length} message(s) held by another delivery until ${leaseUntil}: ${messageIds.join(', ')}`);
  }
}

/**
 * Sends each message at most once per message id, and never leaves one unsent for good.
 *
 * Primary course: claim the id in the ledger (in progress, with a lease), finish the message
 * (`finish`: what only a message about to be sent needs, such as links minted for it), send, mark it
 * sent. A failed finish or send gives the claim back and rethrows, so the redelivered record sends it again. A process
 * that dies between claim and send leaves an in-progress claim; the first delivery after its lease
 * takes it over and sends. Messages already sent are skipped; messages another delivery holds a live
 * claim on are skipped too, and reported by a MessageInProgressError after the others were sent, so
 * the caller does not record the step as done.
 * @param finish completes a claimed message before it is sent; never called for one already sent or held
 * @returns how many messages were sent now (0 for a replay)
 * @throws MessageInProgressError when some message is held by a live claim
 */
export async function deliverOnce(messages: readonly OutboundMessage[], deps: DeliveryDeps, finish?: (message: OutboundMessage) => Promise<OutboundMessage>): Promise<number> {
  let sent = 0;
  const held: string[] = [];
  let heldUntil = '';
  for (const message of messages) {
    const outcome = await deps.ledger.claim(message.id, deps.clock.now());
    if (outcome.kind === 'sent') continue;
    if (outcome.kind === 'in_progress') {
      held.push(message.id);
      if (outcome.leaseUntil > heldUntil) heldUntil = outcome.leaseUntil;
      continue;
    }
    try {
      await deps.notifier.send(finish ? await finish(message) : message);
    } catch (err) {
      await deps.ledger.release(outcome.claim);
      throw err;
    }
    await deps.ledger.markSent(outcome.claim, deps.clock.now());
    sent += 1;
  }
  if (held.length) throw new MessageInProgressError(held, heldUntil);
  return sent;
}
