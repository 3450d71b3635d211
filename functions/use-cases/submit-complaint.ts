import { createComplaint, type Complaint, type ComplaintInput, type IntakeError } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { progressRecipients } from '../domain/progress-channels.ts';
import { withholdReceipts, type ReceiptRecipient, type WithheldReceipt } from '../domain/receipt-cap.ts';
import { textLanguage } from '../domain/escalation-risk.ts';
import type { CompiledTextModel } from '../domain/text-model.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { ReceiptQuota } from '../ports/receipt-quota.ts';
import type { SentimentAnalyzer } from '../ports/sentiment.ts';

export interface SubmitComplaintDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly newId: () => string;
  readonly receipts: ReceiptQuota;
  /** The trained classifier, when the config has `classifier`. */
  readonly textModel?: CompiledTextModel;
  /** Judges negative emotion for the escalation-risk score; the config's lexicon without it. */
  readonly sentiment?: SentimentAnalyzer;
  /** A fresh short reference (`YX-4K7M-9QD2`). */
  readonly newRef: () => string;
}

/** A receipt reserved at intake: the recipient's slot, and a unit of the SMS budget when `budgeted`. */
interface Reservation {
  readonly recipient: ReceiptRecipient;
  /** A unit of the channel's company-wide hourly budget was taken for it. */
  readonly budgeted: boolean;
}

export type SubmitResult =
  /** `withheld`: the receipts not sent, and why (the complaint's timeline says so too). */
  | { outcome: 'created'; complaint: Complaint; withheld: readonly WithheldReceipt[] }
  | { outcome: 'duplicate'; complaint: Complaint }
  | { outcome: 'rejected'; error: IntakeError };

export interface SubmitOptions {
  /** Link the new complaint to this one as a repeat (an email reply to a closed complaint). */
  readonly repeatOf?: string;
}

/**
 * Takes in one complaint from any channel.
 *
 * Primary course: look up the customer's recent complaints (a repeat in the same category is linked
 * and raised one severity step); judge its negative emotion (escalation risk); classify (model,
 * keywords, fallback), grade, score the escalation risk, route and set SLA due times; store it, claiming
 * (channel, externalId) in the same transaction so a resubmission stores and counts nothing new; then
 * claim its short reference (drawn again if taken).
 * Before storing, a receipt is reserved for each recipient the receipt would go to; a recipient that
 * already had `protection.receiptsPerRecipientPerHour` receipts in the last hour gets none, nor does
 * an SMS or an email once the hour's `protection.receiptSmsPerHour` or `receiptEmailsPerHour` are
 * taken company-wide; the complaint's
 * timeline says which. Reservations are given back when nothing new was stored.
 */
export async function submitComplaint(input: ComplaintInput, deps: SubmitComplaintDeps, options: SubmitOptions = {}): Promise<SubmitResult> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - deps.config.slaPolicy.repeatWindowDays * 86_400_000);
  const earlier = await deps.complaints.recentByCustomer(input.customer.id, since);
  const text = [input.title ?? '', input.description].join('\n');
  const negativity = deps.config.escalationRisk && deps.sentiment ? await deps.sentiment.negativity(text, textLanguage(text)) : undefined;
  const built = createComplaint(input, deps.config, now, deps.newId(), earlier, {
    ...(deps.textModel && { textModel: deps.textModel }),
    ...(negativity && { negativity }),
  }, options.repeatOf);
  if (!built.ok) return { outcome: 'rejected', error: built.error };
  const { complaint, reserved, withheld } = await capReceipts(built.complaint, deps, now);
  const giveBack = () =>
    Promise.all(reserved.map(async (r) => {
      await deps.receipts.release(r.recipient, complaint.id);
      if (r.budgeted) await deps.receipts.returnBudget(r.recipient.channel, now);
    }));
  let stored;
  try {
    stored = await deps.complaints.create({ ...complaint, ref: deps.newRef() }, deps.newRef);
  } catch (err) {
    await giveBack();
    throw err;
  }
  if (!stored.created) await giveBack();
  return stored.created ? { outcome: 'created', complaint: stored.complaint, withheld } : { outcome: 'duplicate', complaint: stored.complaint };
}

/**
 * Reserves the receipt of a new complaint for each of its recipients (the channels its receipt would
 * use: `progressRecipients`, the rule the progress notifier sends by): first the recipient's hourly
 * cap, then a unit of the company's hourly receipt budget of its channel (the recipient's
 * reservation is given back when the budget is spent, so a withheld SMS uses no slot).
 * @returns the complaint with any withheld receipt recorded, what was reserved, and what was withheld
 */
async function capReceipts(complaint: Complaint, deps: SubmitComplaintDeps, now: Date): Promise<{ complaint: Complaint; reserved: Reservation[]; withheld: WithheldReceipt[] }> {
  const { receiptsPerRecipientPerHour, receiptSmsPerHour, receiptEmailsPerHour } = deps.config.protection;
  const limits = { perRecipient: receiptsPerRecipientPerHour, smsPerHour: receiptSmsPerHour, emailsPerHour: receiptEmailsPerHour };
  const recipients: ReceiptRecipient[] = progressRecipients(complaint, 0, deps.config);
  const reserved: Reservation[] = [];
  const withheld: WithheldReceipt[] = [];
  for (const recipient of recipients) {
    if (!(await deps.receipts.reserve(recipient, complaint.id, now, limits.perRecipient))) {
      withheld.push({ channel: recipient.channel, reason: 'recipient_cap' });
      continue;
    }
    const budget = recipient.channel === 'sms' ? limits.smsPerHour : limits.emailsPerHour;
    if (budget !== null && !(await deps.receipts.takeBudget(recipient.channel, now, budget))) {
      await deps.receipts.release(recipient, complaint.id);
      withheld.push({ channel: recipient.channel, reason: recipient.channel === 'sms' ? 'sms_budget' : 'email_budget' });
      continue;
    }
    reserved.push({ recipient, budgeted: budget !== null });
  }
  return { complaint: withholdReceipts(complaint, withheld, limits), reserved, withheld };
}
