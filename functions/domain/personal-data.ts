import * as z from 'zod';
import { displayTitle, type AlertIncident } from './alert.ts';
import type { Complaint } from './complaint.ts';

/**
 * Personal data: what an erasure removes and keeps.
 *
 * Removed from a customer's complaints: the customer's name, email, phone, locale and time zone
 * (only the customer id stays, as the key the erasure record names), the title, the description,
 * the order id and external id, every note in the timeline (agents' notes, quoted survey comments,
 * customers' emailed words), the email Message-IDs and attachment names and storage keys on the
 * timeline, and the survey comment. Kept: ids, category, department, severity, statuses, times, SLA
 * and escalation facts, survey ratings: everything the KPI report and the CSAT facts count, none of
 * which says who the customer is or what they wrote.
 */

/** The body of `POST /customers/{id}/erase`. */
export const EraseRequestSchema = z.strictObject({
  /** Who asked for the erasure to be carried out, e.g. `agent:li.ming`. */
  actor: z.string().trim().min(1).max(200),
});
export type EraseRequest = z.infer<typeof EraseRequestSchema>;

/** Customer ids are at most 128 characters (as at intake). */
export const CustomerIdSchema = z.string().trim().min(1).max(128);

/** What replaces an erased title in an alert incident's newest titles. */
export const ERASED_TEXT = '[erased]';

/** The complaint without the customer's personal data; the same complaint when already erased. */
export function eraseComplaint(complaint: Complaint, now: Date): Complaint {
  if (complaint.erasedAt !== undefined) return complaint;
  const { title: _title, orderId: _orderId, externalId: _externalId, surveyAnswer, ...rest } = complaint;
  const answer = surveyAnswer && (({ comment: _comment, ...kept }) => kept)(surveyAnswer);
  return {
    ...rest,
    version: complaint.version + 1,
    customer: { id: complaint.customer.id },
    description: '',
    timeline: complaint.timeline.map(({ note: _note, messageId: _messageId, attachments, ...entry }) => ({
      ...entry,
      // How many files came, of which type and size, stays; their names and storage keys go.
      ...(attachments && { attachments: attachments.map(({ name: _name, key: _key, ...kept }) => ({ ...kept, name: ERASED_TEXT })) }),
    })),
    ...(answer && { surveyAnswer: answer }),
    erasedAt: now.toISOString(),
  };
}

/**
 * The texts of a complaint that may have been copied elsewhere (survey-link excerpts, and the titles
 * alert incidents keep of their newest complaints; lines stored before incidents kept titles apart
 * are read back into titles, see `AlertIncidentSchema`).
 */
export function erasableTexts(complaint: Complaint): string[] {
  if (complaint.erasedAt !== undefined) return [];
  return [displayTitle(complaint), complaint.title, complaint.description].filter((t): t is string => t !== undefined && t !== '');
}

/**
 * An alert incident without the given texts: titles among its newest titles are replaced, and its
 * frequent words lose any word that occurs in them (they were counted from the same titles).
 * @returns undefined when nothing in the incident changes
 */
export function scrubIncident(incident: AlertIncident, texts: readonly string[]): AlertIncident | undefined {
  if (texts.length === 0) return undefined;
  const erased = new Set(texts);
  // An erased entry keeps nothing but the placeholder: no time, so it never counts among frequent words.
  const newest = incident.newest.map((c) => (erased.has(c.title) ? { title: ERASED_TEXT } : c));
  const topTerms = incident.topTerms.filter((t) => !texts.some((text) => text.toLowerCase().includes(t.term.toLowerCase())));
  const changed = newest.some((c, i) => c !== incident.newest[i]) || topTerms.length !== incident.topTerms.length;
  return changed ? { ...incident, newest, topTerms } : undefined;
}

/** The erasure as recorded: who, when, which customer id, how much; never the erased data. */
export interface ErasureRecord {
  readonly customerId: string;
  readonly erasedAt: string;
  readonly erasedBy: string;
  readonly complaints: number;
  readonly incidents: number;
  /** Survey and unsubscribe links, external-id claims, the survey throttle and the opt-out. */
  readonly otherItems: number;
  /** Files attached to the customer's emails, deleted from the mail bucket (0 without `inbound`). */
  readonly files: number;
  /** The customer's raw emails kept under their complaints (`messages/<complaint id>/`), deleted from the mail bucket. */
  readonly messages: number;
}
