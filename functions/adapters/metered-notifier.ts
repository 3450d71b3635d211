import type { OutboundMessage } from '../domain/messages.ts';
import type { Notifier } from '../ports/notifier.ts';
import { countMetricBy } from './observability.ts';

/**
 * A notifier that counts what the one underneath does, per channel (`email`, `sms`, `topic`):
 * `MessagesSent` when SES or SNS accepted the message, `MessagesFailed` when the send threw (the
 * error goes on, so the delivery's claim is released and the message retried). Every send of every
 * function passes here, because the runtime wraps its notifier with it.
 */
export function meteredNotifier(inner: Notifier): Notifier {
  return {
    send: async (message: OutboundMessage) => {
      try {
        await inner.send(message);
      } catch (err) {
        countMetricBy('MessagesFailed', message.channel);
        throw err;
      }
      countMetricBy('MessagesSent', message.channel);
    },
  };
}
