/**
 * Acknowledge links in alert messages. A link is an unguessable random token (CSPRNG, ≥ 128 bits)
 * kept in the state table only as its SHA-256, next to the incident it acknowledges and when it
 * expires: a leaked table holds no working link, and no signing key has to be managed. A forged or
 * tampered token hashes to nothing (404); an expired one says so (410); neither ever acknowledges.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { AlertIncident } from './alert.ts';
import { LocaleSchema, type AlertingSettings } from './config.ts';
import type { DomainEvent } from './events.ts';
import { HOUR_MS } from './time.ts';

/** Email links: 24 random bytes, 32 base64url characters (192 bits). */
export const ACK_TOKEN_BYTES = 24;
/** SMS links: 16 random bytes, 22 base64url characters (128 bits), so the text stays short. */
export const ACK_SMS_TOKEN_BYTES = 16;
const ACK_TOKEN_SHAPE = /^(?:[A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{32})$/;

/** Path of the acknowledge page, relative to the public base URL. */
export const ACK_PATH = '/a/';

/** A fresh token from the CSPRNG. */
export function newAckToken(bytes: number = ACK_TOKEN_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

/** Whether a path segment can be an acknowledge token at all; anything else is a 404 without a lookup. */
export function isWellFormedAckToken(token: string): boolean {
  return ACK_TOKEN_SHAPE.test(token);
}

/** What the table stores a token under. */
export function ackTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const AckLinkSchema = z.object({
  category: z.string(),
  incidentId: z.string(),
  /** Who the link was sent to (recorded as `acknowledgedBy`), e.g. `head:刘洋` or `L1:值班经理 王强`. */
  recipient: z.string(),
  locale: LocaleSchema,
  issuedAt: z.string(),
  linkExpiresAt: z.string(),
});
export type AckLink = z.infer<typeof AckLinkSchema>;

export type AckLinkState = 'not_found' | 'expired' | 'valid';

/** Unknown (or forged: its hash matches nothing) → not_found; past its expiry → expired. */
export function ackLinkState(link: AckLink | undefined, now: Date): AckLinkState {
  if (!link) return 'not_found';
  return now.getTime() >= Date.parse(link.linkExpiresAt) ? 'expired' : 'valid';
}

/** A new link record for an incident and a recipient, expiring `ackLinkTtlHours` from now. */
export function newAckLink(
  incident: Pick<AlertIncident, 'category' | 'id'>,
  recipient: string,
  locale: AckLink['locale'],
  now: Date,
  settings: Pick<AlertingSettings, 'ackLinkTtlHours'>,
): AckLink {
  return {
    category: incident.category,
    incidentId: incident.id,
    recipient,
    locale,
    issuedAt: now.toISOString(),
    linkExpiresAt: new Date(now.getTime() + settings.ackLinkTtlHours * HOUR_MS).toISOString(),
  };
}

/** The two links one notification carries: a long one in the email, a short one in the SMS. */
export interface AckLinks {
  readonly email: string;
  readonly sms: string;
}

export function ackUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${ACK_PATH}${token}`;
}

export function alertAcknowledgedEvent(incident: AlertIncident): DomainEvent {
  return {
    type: 'alert.acknowledged',
    id: `${incident.id}:acknowledged`,
    time: incident.acknowledgedAt ?? incident.updatedAt,
    detail: {
      incidentId: incident.id,
      category: incident.category,
      department: incident.department,
      acknowledgedBy: incident.acknowledgedBy,
      acknowledgedAt: incident.acknowledgedAt,
      openedAt: incident.openedAt,
    },
  };
}

/** The acknowledge line of an alert email. */
export function ackLinkLine(locale: AckLink['locale'], url: string): string {
  return locale === 'zh-CN' ? `确认处理（“我来处理”）：${url}` : `Acknowledge ("I'm on it"): ${url}`;
}

/** What an alert SMS appends: the short link. */
export function ackSmsSuffix(locale: AckLink['locale'], url: string): string {
  return locale === 'zh-CN' ? ` 确认：${url}` : ` Ack: ${url}`;
}
