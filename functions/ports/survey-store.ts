import type { Complaint } from '../domain/complaint.ts';
import type { Locale } from '../domain/config.ts';
import type { SurveyFact, SurveyLink } from '../domain/survey.ts';

/** Everything that must happen together when a survey is sent, or not at all. */
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
  /**
   * Taking over the expired claim of a run that died: the throttle slot and reporting fact are
   * already this survey's; only the complaint (a new lease) and a fresh link (the dead run's token is
   * lost: only its hash was stored) are written.
   */
  readonly resume?: boolean;
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
   * Claims the survey for sending (in progress until its lease runs out), issues its link and takes
   * the customer's throttle slot in one transaction: of overlapping dispatchers exactly one succeeds.
   * @returns the new link's token (only its SHA-256 is stored), or why nothing was written
   */
  claimSend(claim: SurveySendClaim): Promise<SurveyClaimResult>;
  /** Undoes a claim whose messages could not be sent, so the next run tries again. */
  releaseSend(claim: SurveySendClaim, token: string, now: Date): Promise<void>;
  /** The link a token opens, or undefined for an unknown (or tampered) token. */
  findLink(token: string): Promise<SurveyLink | undefined>;
  /**
   * Records an answer once: the link is marked answered (if still open), the complaint written (if
   * still at `expectedVersion`) and the reporting fact completed, all or nothing.
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
}

/** Customers who asked for no more messages, and the links they use for it. */
export interface OptOutStore {
  isOptedOut(customerId: string): Promise<boolean>;
  optOut(customerId: string, at: Date, source: 'unsubscribe_link' | 'one_click'): Promise<void>;
  /** A fresh unsubscribe link token for a customer email (only its SHA-256 is stored). */
  issueUnsubscribeLink(customerId: string, locale: Locale, now: Date): Promise<string>;
  findUnsubscribeLink(token: string): Promise<{ customerId: string; locale: Locale } | undefined>;
}
