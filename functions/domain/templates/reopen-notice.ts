import type { Locale } from '../config.ts';
import { zh } from '../text.ts';

/** What the notice to a department says when a customer reopens a resolved complaint by email or on the reply page. */
export interface ReopenNoticeContext {
  readonly head: string;
  readonly reference: string;
  readonly title: string;
  readonly category: string;
  /** What the customer wrote (their reply without the quoted text), cleaned; absent when they wrote nothing new. */
  readonly words?: string;
  /** When the first response to the reopened complaint is due, in the department's time. */
  readonly dueText?: string;
  /** How the customer reopened it: replying to our email, or on the reply page linked from our SMS. */
  readonly via: 'email' | 'web';
}

export interface ReopenNoticeTexts {
  readonly subject: (c: ReopenNoticeContext) => string;
  readonly body: (c: ReopenNoticeContext) => string[];
  readonly open: string;
}

/** The department head's notice of a complaint the customer reopened (by email or on the reply page), one set per locale. */
export const reopenNoticeTexts: Readonly<Record<Locale, ReopenNoticeTexts>> = {
  'zh-CN': {
    subject: (c) => zh`【客户重新打开】投诉 ${c.reference}：${c.title}`,
    body: (c) => [
      `${c.head}，您好：`,
      `客户${c.via === 'web' ? '通过我们短信中的回复链接' : '回复邮件'}，重新打开了已解决的投诉“${c.title}”（${c.category}，编号 ${c.reference}）。`,
      c.words ? `客户写道：${c.words}` : '客户的回复里没有新的文字。',
      c.dueText ? `重新计算的首次响应时限：${c.dueText}。请尽快联系客户。` : '请尽快联系客户。',
    ],
    open: '在控制台打开此投诉',
  },
  en: {
    subject: (c) => `[Reopened by the customer] Complaint ${c.reference}: ${c.title}`,
    body: (c) => [
      `Hello ${c.head},`,
      `The customer ${c.via === 'web' ? 'used the reply link in our text message' : 'replied by email'} and reopened the resolved complaint "${c.title}" (${c.category}, ref. ${c.reference}).`,
      c.words ? `They wrote: ${c.words}` : 'Their reply has no new text.',
      c.dueText ? `The first response to it is due ${c.dueText}. Please contact the customer.` : 'Please contact the customer.',
    ],
    open: 'Open the complaint in the console',
  },
};
