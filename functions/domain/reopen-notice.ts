import { noteAudience, type Complaint } from './complaint.ts';
import { departmentById, type PipelineConfig } from './config.ts';
import { consoleComplaintUrl } from './console-links.ts';
import { action, emailFor, p, quotingUser } from './message-render.ts';
import type { OutboundMessage } from './messages.ts';
import { categoryName, referenceOf } from './names.ts';
import { surveyTitle } from './survey.ts';
import { reopenNoticeTexts } from './templates/reopen-notice.ts';
import { cleanUserText, clip } from './text.ts';
import { formatNamedTime } from './time.ts';
import { WEB_ACTOR } from './web-reply.ts';

/** How much of the customer's reply the notice quotes; the console has all of it. */
const WORDS_MAX = 500;

/**
 * The owning department head's email when the customer reopened the complaint themself (a reply to
 * a resolved complaint's email, or on the reply page linked from the "resolved" SMS), in the department's language: what they wrote, when the first
 * response is due again and the console link. A reopen by an agent or by a survey answer (which has
 * its own follow-up) sends nothing here.
 * @param index the timeline entry that may be such a reopen
 * @param base public base URL of the console, when known
 */
export function renderReopenNotice(complaint: Complaint, index: number, config: PipelineConfig, base?: string): OutboundMessage[] {
  const entry = complaint.timeline[index];
  if (!entry || entry.event !== 'reopen' || noteAudience(entry) !== 'from_customer') return [];
  const department = departmentById(config, complaint.department);
  if (!department) return [];
  const locale = department.locale;
  const t = reopenNoticeTexts[locale];
  const title = surveyTitle(complaint);
  const words = entry.note ? clip(cleanUserText(entry.note), WORDS_MAX) : undefined;
  const dueAt = complaint.sla.phase === 'first_response' ? complaint.sla.dueAt : undefined;
  const ctx = {
    head: department.head.name,
    reference: referenceOf(complaint),
    title,
    category: categoryName(config, complaint.category, locale),
    ...(words && { words }),
    ...(dueAt && { dueText: formatNamedTime(new Date(dueAt), department.businessHours?.timeZone ?? config.company.timeZone, locale) }),
    via: entry.actor === WEB_ACTOR ? ('web' as const) : ('email' as const),
  };
  const url = base && consoleComplaintUrl(base, complaint.id);
  return [
    emailFor({
      kind: 'customer_reopened',
      complaintId: complaint.id,
      id: `${complaint.id}:t${index}:reopen-notice:email`,
      to: department.head.email,
      locale,
      subject: t.subject(ctx),
      blocks: [...t.body(ctx).map((line) => p(...quotingUser(line, [title, ...(words ? [words] : [])]))), ...(url ? [action(t.open, url)] : [])],
    }),
  ];
}
