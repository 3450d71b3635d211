import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { customerRecipients } from '../domain/progress-channels.ts';
import { customerLocale } from '../domain/progress.ts';
import { referenceOf } from '../domain/names.ts';
import {
  decideSurvey,
  linkExpiry,
  markSurveySending,
  markSurveySent,
  markSurveySkipped,
  postponeSurvey,
  renderSurveyInvitation,
  surveySentEvent,
  surveyTitle,
  type SkipReason,
} from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { DueTimes } from '../ports/due-times.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { OptOutStore, SurveySendClaim, SurveyStore } from '../ports/survey-store.ts';
import { claimLeaseSeconds } from '../pipeline.ts';
import { deliverOnce, MessageInProgressError } from './deliver-once.ts';
import type { ReplyTokenStore } from '../ports/inbound-mail.ts';
import { withCustomerReplyAddress } from './reply-address.ts';
import { DAY_MS } from '../domain/time.ts';

export interface DispatchSurveysDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly surveys: SurveyStore;
  readonly optOuts: OptOutStore;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  /** Reply addresses for customer emails (two-way email); without it emails carry none. */
  readonly replyTokens?: ReplyTokenStore;
  publicBaseUrl(): string | undefined;
}

export interface DispatchResult {
  /** Complaints the sparse index returned as due. */
  readonly due: number;
  readonly itemsRead: number;
  readonly sent: number;
  readonly postponed: number;
  readonly skipped: Partial<Record<SkipReason, number>>;
  /** Changed by someone else (an overlapping run, an agent) since read: the next run looks again. */
  readonly stale: number;
}

/** Thrown when links cannot be made: no public base URL is configured or known. */
export class NoPublicUrlError extends Error {
  override readonly name = 'NoPublicUrlError';
}

const MAX_PER_RUN = 200;

/**
 * When a dispatcher run could next find work: the first survey's due time (a claim's lease end while
 * one is held), undefined when no survey waits. A run before then finds nothing due and writes
 * nothing; the local scheduler skips such runs.
 */
export async function nextSurveyWork(deps: { readonly dueTimes: DueTimes }): Promise<Date | undefined> {
  return deps.dueTimes.nextSurveyAt();
}

/**
 * The scheduled survey dispatcher.
 *
 * Primary course: Query the sparse index for due surveys (the store reads each complaint it finds
 * from the table in one batch); for each, decide at send time: skip for good (not resolved or closed
 * any more, opted out: every inbox and number it would go to, throttled, no contact), wait out the
 * customer's quiet hours, or send (to the inboxes and numbers that did not opt out). Sending first
 * claims the survey: the complaint is marked sending on the version read, so of two overlapping runs
 * exactly one sends; the claim's holder then takes the customer's throttle slot, records the
 * reporting fact and issues the link (single writes, each safe to repeat); then the messages go out
 * once per message id, and the survey is marked sent. A failed send gives the claim back for the
 * next run. The claim is in progress with a lease (functions/pipeline.ts `claimLeaseSeconds`): if the
 * run dies before sending, or between the claim's writes, the survey stays in the due index under
 * the lease's end, and the first run after it resumes the claim (the slot and fact kept or written, a
 * fresh link; messages already sent are not sent again).
 */
export async function dispatchSurveys(deps: DispatchSurveysDeps): Promise<DispatchResult> {
  const now = deps.clock.now();
  const { items, itemsRead } = await deps.surveys.due(now, MAX_PER_RUN);
  let sent = 0;
  let postponed = 0;
  let stale = 0;
  const skipped: Partial<Record<SkipReason, number>> = {};
  // No second, consistent read of each complaint before deciding: the batch read may be stale (an
  // agent reopened it, a customer answered, an overlapping run claimed it a moment ago), but every
  // decision that acts is a write conditioned on the version read (postpone, skip, and the claim's
  // transaction), so a stale copy only fails its condition and counts as `stale`; the complaint, if
  // still due, is in the index for the next run. What the copy cannot show (opt-out, the customer's
  // last survey) is read consistently below, and the throttle is guarded again by the claim.
  for (const complaint of items) {
    const recipients = customerRecipients(complaint, deps.config);
    const [silenced, lastSurveyedAt] = await Promise.all([
      Promise.all(recipients.map((r) => deps.optOuts.isOptedOut(complaint.customer.id, r))),
      deps.surveys.lastSurveyedAt(complaint.customer.id),
    ]);
    // Opted out when every inbox and number the invitation would go to opted out; else it goes to the others.
    const optedOut = recipients.length > 0 && silenced.every(Boolean);
    const stillReachable = (channel: string) => recipients.some((r, i) => r.channel === channel && !silenced[i]);
    const decision = decideSurvey(complaint, { optedOut, ...(lastSurveyedAt && { lastSurveyedAt }) }, now, deps.config);
    switch (decision.kind) {
      case 'wait':
        continue;
      case 'postpone':
        if (await deps.complaints.update(postponeSurvey(complaint, decision.until), complaint.version)) postponed += 1;
        else stale += 1;
        continue;
      case 'skip':
        if (await deps.complaints.update(markSurveySkipped(complaint, decision.reason, now), complaint.version)) skipped[decision.reason] = (skipped[decision.reason] ?? 0) + 1;
        else stale += 1;
        continue;
      case 'send':
      case 'resume':
        break;
    }
    const base = deps.publicBaseUrl();
    if (!base) throw new NoPublicUrlError('no public base URL for survey links: set survey.publicBaseUrl in the config');
    const survey = complaint.survey!;
    const locale = customerLocale(complaint, deps.config);
    // A resumed claim keeps the time it was first claimed: the reporting fact and throttle carry it.
    const sentAt = new Date(survey.sending?.since ?? now.toISOString());
    const claim: SurveySendClaim = {
      complaint,
      next: markSurveySending(complaint, now, new Date(now.getTime() + claimLeaseSeconds * 1000)),
      link: {
        surveyId: survey.id,
        complaintId: complaint.id,
        reference: referenceOf(complaint),
        customerId: complaint.customer.id,
        locale,
        department: complaint.department,
        category: complaint.category,
        title: surveyTitle(complaint),
        sentAt: sentAt.toISOString(),
        linkExpiresAt: linkExpiry(sentAt, deps.config).toISOString(),
      },
      throttleCutoff: new Date(now.getTime() - deps.config.survey.throttleDays * DAY_MS),
      throttleExpiresAt: Math.floor(sentAt.getTime() / 1000) + (deps.config.survey.throttleDays + 1) * 86_400,
      fact: { surveyId: survey.id, department: complaint.department, category: complaint.category, sentAt: sentAt.toISOString() },
      factExpiresAt: Math.floor(sentAt.getTime() / 1000) + Math.max(deps.config.retention.complaintDays, deps.config.survey.linkTtlDays + 1) * 86_400,
    };
    const claimed = await deps.surveys.claimSend(claim);
    if (!claimed.ok) {
      // Throttled by a concurrent survey to the same customer: the next run sees the slot taken and skips.
      stale += 1;
      continue;
    }
    const email = complaint.customer.email;
    const unsubscribe = email && stillReachable('email') ? await deps.optOuts.issueUnsubscribeLink(complaint.customer.id, { channel: 'email', to: email }, locale, now) : undefined;
    const messages = renderSurveyInvitation(
      complaint,
      survey.id,
      { survey: `${base}/s/${claimed.token}`, ...(unsubscribe && { unsubscribe: `${base}/u/${unsubscribe}` }) },
      deps.config,
    ).filter((m) => stillReachable(m.channel));
    try {
      await deliverOnce(await withCustomerReplyAddress(messages, complaint, deps), deps);
    } catch (err) {
      // A message still held by a run that may be alive: keep the survey's claim; a later run resumes it.
      if (err instanceof MessageInProgressError) {
        stale += 1;
        continue;
      }
      await deps.surveys.releaseSend(claim, claimed.token, now);
      throw err;
    }
    if (!(await confirmSent(claim.next, deps))) {
      stale += 1;
      continue;
    }
    await deps.events.publish([surveySentEvent(complaint, survey.id, messages.map((m) => m.channel), sentAt)]);
    sent += 1;
  }
  return { due: items.length, itemsRead, sent, postponed, skipped, stale };
}

/**
 * Marks the survey sent once its messages are out. The complaint may have changed since the claim
 * (an agent note, say): re-read and retry on a version conflict. A complaint whose survey is no
 * longer this claim's (reopened meanwhile) is left alone.
 * @returns false when the survey is no longer this claim's
 */
async function confirmSent(claimed: Complaint, deps: DispatchSurveysDeps): Promise<boolean> {
  let current: Complaint | undefined = claimed;
  for (let attempt = 0; attempt < 5 && current; attempt += 1) {
    if (current.survey?.id !== claimed.survey!.id || !current.survey.sending) return current.survey?.sentAt !== undefined;
    if (await deps.complaints.update(markSurveySent(current, deps.clock.now()), current.version)) return true;
    current = await deps.complaints.get(claimed.id);
  }
  // Still conflicting: the claim stays in progress and a run after its lease confirms it (messages are not sent twice).
  return false;
}
