import type { Complaint } from '../domain/complaint.ts';
import type { Locale } from '../domain/config.ts';
import type { Recipient } from '../domain/mailbox.ts';
import type { SurveyFact, SurveyLink } from '../domain/survey.ts';

/**
 * What sending a survey writes: the complaint claimed on its version, the customer's throttle slot,
 * the reporting fact and a fresh link. A claim taken over after its lease (a run died) is the same
 * claim again: the slot and fact are this survey's already and are kept.
 */
export interface SurveySendClaim {
  /** The complaint as read (its version is the condition). */
  readonly complaint: Complaint;
  /** The complaint with the survey marked sent. */
  readonly next: Complaint;
  readonly link: Omit<SurveyLink, 'answeredAt'>;
  /** The customer's previous survey must have been sent at or before this (the throttle). */
  readonly throttleCutoff: Date;
  /** When the per-customer throttle record may be deleted (epoch seconds). */
  readonly throttleExpiresAt: number;
  readonly fact: SurveyFact;
  /** TTL of the reporting fact (epoch seconds). */
  readonly factExpiresAt: number;
}

export type SurveyClaimResult = { ok: true; token: string } | { ok: false; reason: 'stale' | 'throttled' };

export type RecordAnswerResult = 'recorded' | 'already_answered' | 'expired' | 'not_found' | 'stale';

export interface SurveyStore {
  /**
   * Complaints whose survey is due at `now` (the sparse bySurveyDue index), oldest due first. A copy
   * may lag the last write by a moment (eventually consistent): act on it only with a write
   * conditioned on its version.
   */
  due(now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }>;
  /** When the customer was last sent a survey, if within the throttle record's life. */
  lastSurveyedAt(customerId: string): Promise<string | undefined>;
  /**
   * Claims the survey for sending (in progress until its lease runs out): of overlapping dispatchers
   * exactly one succeeds. Then takes the customer's throttle slot, records the reporting fact and
   * issues a link; a run that resumes the claim after a crash completes whatever was not written.
   * @returns the new link's token (only its SHA-256 is stored), or why no survey is to be sent now
   */
  claimSend(claim: SurveySendClaim): Promise<SurveyClaimResult>;
  /** Undoes a claim whose messages could not be sent, so the next run tries again. */
  releaseSend(claim: SurveySendClaim, token: string, now: Date): Promise<void>;
  /** The link a token opens, or undefined for an unknown (or tampered) token. */
  findLink(token: string): Promise<SurveyLink | undefined>;
  /**
   * Marks the link answered (if not yet) and completes the reporting fact: what an answer recorded on
   * the complaint by a process that died right after leaves undone.
   */
  completeAnswer(token: string, link: SurveyLink, answer: SurveyFactAnswer): Promise<void>;
  /**
   * Records an answer once. With the complaint: written on `expectedVersion` carrying the answer,
   * which is what records it ('stale' when it changed meanwhile); then the link is marked answered
   * and the reporting fact completed, one write each. Without it (deleted by retention): the link is
   * marked answered if still open and not expired, then the fact completed.
   */
  recordAnswer(args: {
    readonly token: string;
    readonly link: SurveyLink;
    readonly now: Date;
    readonly answer: { rating: number; solved: boolean; reopened: boolean };
    readonly complaint?: { readonly next: Complaint; readonly expectedVersion: number };
  }): Promise<RecordAnswerResult>;
}

/** The surveys' reporting facts (CSAT, response and reopen rates), apart from the store that sends and answers surveys. */
export interface SurveyFactStore {
  /** Reporting facts of the surveys sent in `[from, to)`, read from monthly partitions (no Scan). */
  facts(from: Date, to: Date): Promise<SurveyFact[]>;
  /**
   * Completes a survey's reporting fact with its answer (the same values again change nothing). A
   * survey sent before facts were kept has none, and gets none.
   */
  recordAnswer(survey: { readonly surveyId: string; readonly sentAt: string }, answer: SurveyFactAnswer): Promise<void>;
  /**
   * Whether the survey's reporting fact already holds an answer, or there is none to complete (read
   * eventually consistent: a moment late at worst, and completing it twice writes the same values).
   */
  hasAnswer(survey: { readonly surveyId: string; readonly sentAt: string }): Promise<boolean>;
}

/** What a reporting fact learns from the answer. */
export interface SurveyFactAnswer {
  readonly answeredAt: string;
  readonly rating: number;
  readonly solved: boolean;
  readonly reopened: boolean;
}

/** An unsubscribe link as stored: whose it is, its page's language and what it was sent to. */
export interface UnsubscribeLink {
  readonly customerId: string;
  readonly locale: Locale;
  /**
   * The inbox or number the link was sent to, as the store keeps it (opaque: a hash, never the
   * address); absent on links issued before opt-outs were kept per address.
   */
  readonly sentTo?: { readonly channel: Recipient['channel']; readonly key: string };
}

/**
 * Inboxes and numbers whose owners asked for no more messages, and the links they use for it. An
 * opt-out silences the inbox or number its link was sent to (only its owner can receive the link),
 * never the customer id: anyone can file a complaint under any customer id with their own address.
 */
export interface OptOutStore {
  /**
   * Whether `recipient` is to get only the messages the law requires: its inbox or number opted out
   * (under any customer id), or `customerId` carries an opt-out recorded before opt-outs were kept per
   * address (those silence every address of the customer id, as they did when recorded).
   */
  isOptedOut(customerId: string, recipient: Recipient): Promise<boolean>;
  /** Records the opt-out of what the link was sent to (idempotent). */
  optOut(link: UnsubscribeLink, at: Date, source: 'unsubscribe_link' | 'one_click'): Promise<void>;
  /**
   * An unsubscribe link token for a customer email to `recipient`, working for a year: signed (nothing
   * stored) where the runtime has link keys, else random and stored only as its SHA-256.
   */
  issueUnsubscribeLink(customerId: string, recipient: Recipient, locale: Locale, now: Date): Promise<string>;
  /** What a link stands for, or undefined for an unknown, tampered or expired one. */
  findUnsubscribeLink(token: string, now: Date): Promise<UnsubscribeLink | undefined>;
}
