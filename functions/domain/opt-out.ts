import type { Locale } from './config.ts';
import { escapeHtml } from './escape.ts';
import { a, muted, type Block } from './message-render.ts';
import type { ProgressStep } from './lifecycle.ts';
import { optOutTexts } from './templates/survey.ts';

/**
 * Progress steps a customer is told about even after opting out: the confirmation that a complaint
 * they just filed was received is the record of their complaint, which consumer-protection rules
 * expect them to get. Every other progress message and every survey respects the opt-out.
 */
export const REQUIRED_PROGRESS_STEPS: ReadonlySet<ProgressStep> = new Set<ProgressStep>(['received']);

/** The opt-out footer of a customer email: paragraphs for the text part and HTML for the HTML part. */
export function emailOptOutFooter(locale: Locale, unsubscribeUrl: string | undefined): { text: string[]; html: string } {
  const t = optOutTexts[locale];
  if (!unsubscribeUrl) return { text: [t.emailFooter], html: `<p style="color:#4b5563;font-size:13px">${escapeHtml(t.emailFooter)}</p>` };
  return {
    text: [`${t.emailFooter} ${t.emailLinkLabel} ${unsubscribeUrl}`],
    html: `<p style="color:#4b5563;font-size:13px">${escapeHtml(t.emailFooter)} <a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(t.emailLinkLabel.replace(/[:：]$/, ''))}</a></p>`,
  };
}

/** The opt-out footer of a customer email as message blocks (the one rendering path). */
export function optOutBlocks(locale: Locale, unsubscribeUrl: string | undefined): Block[] {
  const t = optOutTexts[locale];
  if (!unsubscribeUrl) return [muted(t.emailFooter)];
  return [muted(t.emailFooter, ' ', a(t.emailLinkLabel.replace(/[:：]$/, ''), unsubscribeUrl))];
}

/**
 * RFC 2369 / RFC 8058 headers so mail clients offer one-click unsubscribe (a POST to the same URL,
 * which the unsubscribe route accepts).
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string | undefined): Record<string, string> | undefined {
  if (!unsubscribeUrl) return undefined;
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** An SMS to a customer with the STOP wording appended. */
export function smsWithOptOut(text: string, locale: Locale): string {
  const suffix = optOutTexts[locale].smsSuffix;
  // After a link, a space: an SMS app would otherwise read the suffix as part of the address.
  return locale === 'zh-CN' && !/[A-Za-z0-9/]$/.test(text) ? `${text}${suffix}` : `${text} ${suffix}`;
}
