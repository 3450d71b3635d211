import type { PipelineConfig } from '../domain/config.ts';
import { customerLocale } from '../domain/progress.ts';
import {
  decideSurvey,
  linkExpiry,
  markSurveySent,
  markSurveySkipped,
  postponeSurvey,
  renderSurveyInvitation,
  surveySentEvent,
  surveyTitle,
  type SkipReason,
} from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { OptOutStore, SurveySendClaim, SurveyStore } from '../ports/survey-store.ts';
import type { ReplyTokenStore } from '../ports/inbound-mail.ts';
import { deliverOnce } from './deliver-once.ts';
import { withCustomerReplyAddress } from './reply-address.ts';

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
const DAY_MS = 86_400_000;

/**
 * The scheduled survey dispatcher.
 *
 * Primary course: Query the sparse index for due surveys; for each, re-read the complaint (the index
 * is eventually consistent) and decide at send time: skip for good (not resolved or closed any more,
 * opted out, throttled, no contact), wait out the customer's quiet hours, or send. Sending first
 * claims the survey in one transaction (complaint marked sent on its version, link issued, the
 * customer's throttle slot taken), so of two overlapping runs exactly one sends; then the messages go
 * out once per message id. A failed send gives the claim back for the next run.
 */
export async function dispatchSurveys(deps: DispatchSurveysDeps): Promise<DispatchResult> {
  const now = deps.clock.now();
  const { items, itemsRead } = await deps.surveys.due(now, MAX_PER_RUN);
  let sent = 0;
  let postponed = 0;
  let stale = 0;
  const skipped: Partial<Record<SkipReason, number>> = {};
  for (const indexed of items) {
    const complaint = await deps.complaints.get(indexed.id);
    if (!complaint) continue;
    const [optedOut, lastSurveyedAt] = await Promise.all([deps.optOuts.isOptedOut(complaint.customer.id), deps.surveys.lastSurveyedAt(complaint.customer.id)]);
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
        break;
    }
    const base = deps.publicBaseUrl();
    if (!base) throw new NoPublicUrlError('no public base URL for survey links: set survey.publicBaseUrl in the config');
    const survey = complaint.survey!;
    const locale = customerLocale(complaint, deps.config);
    const claim: SurveySendClaim = {
      complaint,
      next: markSurveySent(complaint, now),
      link: {
        surveyId: survey.id,
        complaintId: complaint.id,
        customerId: complaint.customer.id,
        locale,
        department: complaint.department,
        category: complaint.category,
        title: surveyTitle(complaint),
        sentAt: now.toISOString(),
        linkExpiresAt: linkExpiry(now, deps.config).toISOString(),
      },
      throttleCutoff: new Date(now.getTime() - deps.config.survey.throttleDays * DAY_MS),
      throttleExpiresAt: Math.floor(now.getTime() / 1000) + (deps.config.survey.throttleDays + 1) * 86_400,
      fact: { surveyId: survey.id, department: complaint.department, category: complaint.category, sentAt: now.toISOString() },
      factExpiresAt: Math.floor(now.getTime() / 1000) + Math.max(deps.config.retention.complaintDays, deps.config.survey.linkTtlDays + 1) * 86_400,
    };
    const claimed = await deps.surveys.claimSend(claim);
    if (!claimed.ok) {
      // Throttled by a concurrent survey to the same customer: the next run sees the slot taken and skips.
      stale += 1;
      continue;
    }
    const unsubscribe = complaint.customer.email ? await deps.optOuts.issueUnsubscribeLink(complaint.customer.id, locale, now) : undefined;
    const messages = renderSurveyInvitation(
      complaint,
      survey.id,
      { survey: `${base}/s/${claimed.token}`, ...(unsubscribe && { unsubscribe: `${base}/u/${unsubscribe}` }) },
      deps.config,
    );
    try {
      await deliverOnce(await withCustomerReplyAddress(messages, complaint, deps), deps);
    } catch (err) {
      await deps.surveys.releaseSend(claim, claimed.token, now);
      throw err;
    }
    await deps.events.publish([surveySentEvent(complaint, survey.id, messages.map((m) => m.channel), now)]);
    sent += 1;
  }
  return { due: items.length, itemsRead, sent, postponed, skipped, stale };
}
