import type { Locale } from '../config.ts';
import type { ProgressStep } from '../lifecycle.ts';

/** What a progress message may mention. Every value is plain text; rendering escapes it for HTML. */
export interface ProgressContext {
  readonly reference: string;
  readonly customerName?: string;
  readonly title: string;
  readonly categoryName: string;
  readonly departmentName: string;
  readonly company: string;
  /** When the next promised step is due, already formatted for the customer. */
  readonly dueText?: string;
  /** A non-internal note the agent wrote for the customer. */
  readonly note?: string;
}

export interface ProgressTemplate {
  readonly subject: (c: ProgressContext) => string;
  /** Paragraphs of the email body. */
  readonly body: (c: ProgressContext) => string[];
  /** One SMS (kept short: one or two segments). */
  readonly sms: (c: ProgressContext) => string;
}

export interface LocaleTemplates {
  readonly greeting: (name?: string) => string;
  readonly signature: (company: string) => string;
  readonly noteLabel: string;
  readonly steps: Readonly<Record<ProgressStep, ProgressTemplate>>;
}

/**
 * Customer progress messages, one set per locale. To add a locale: add it to `LocaleSchema` in
 * config.ts, add a set here with every step, and list it in the config's `locales`.
 */
export const progressTemplates: Readonly<Record<Locale, LocaleTemplates>> = {
  'zh-CN': {
    greeting: (name) => (name ? `${name}，您好：` : '您好：'),
    signature: (company) => `${company} 客户关怀团队`,
    noteLabel: '处理人员留言：',
    steps: {
      received: {
        subject: (c) => `我们已收到您的投诉（编号 ${c.reference}）`,
        body: (c) => [
          `我们已收到您关于“${c.title}”的投诉，编号 ${c.reference}。`,
          `它已转交${c.departmentName}处理（类别：${c.categoryName}）。`,
          c.dueText ? `我们会在 ${c.dueText} 前联系您。` : '我们会尽快联系您。',
        ],
        sms: (c) => `【${c.company}】已收到您的投诉，编号${c.reference}，已转${c.departmentName}。${c.dueText ? `${c.dueText}前` : '尽快'}联系您。`,
      },
      acknowledged: {
        subject: (c) => `您的投诉已有专人负责（编号 ${c.reference}）`,
        body: (c) => [`${c.departmentName}已确认您的投诉“${c.title}”，并安排专人负责。`, c.dueText ? `我们的目标是在 ${c.dueText} 前解决。` : '我们会尽快解决。'],
        sms: (c) => `【${c.company}】投诉${c.reference}已有专人负责${c.dueText ? `，目标${c.dueText}前解决` : ''}。`,
      },
      in_progress: {
        subject: (c) => `您的投诉正在处理中（编号 ${c.reference}）`,
        body: (c) => [`我们正在处理您的投诉“${c.title}”。`, '有任何进展我们都会第一时间通知您。'],
        sms: (c) => `【${c.company}】投诉${c.reference}正在处理中，有进展会通知您。`,
      },
      waiting_on_customer: {
        subject: (c) => `需要您的回复（编号 ${c.reference}）`,
        body: (c) => [`为了继续处理您的投诉“${c.title}”，我们需要您提供一些信息。`, '请直接回复此邮件或联系客服。收到您的回复后，我们会立即继续处理。'],
        sms: (c) => `【${c.company}】投诉${c.reference}需要您补充信息，请回复邮件或联系客服。`,
      },
      resolved: {
        subject: (c) => `您的投诉已处理完毕（编号 ${c.reference}）`,
        body: (c) => [`您的投诉“${c.title}”已处理完毕。`, '如果问题仍未解决，请直接回复此邮件，我们会重新处理。几天后我们会请您为本次服务打分。'],
        sms: (c) => `【${c.company}】投诉${c.reference}已处理完毕。如未解决请联系客服，我们会重新处理。`,
      },
      reopened: {
        subject: (c) => `您的投诉已重新打开（编号 ${c.reference}）`,
        body: (c) => [`您的投诉“${c.title}”已重新打开，${c.departmentName}会再次跟进。`, c.dueText ? `我们会在 ${c.dueText} 前联系您。` : '我们会尽快联系您。'],
        sms: (c) => `【${c.company}】投诉${c.reference}已重新打开，${c.dueText ? `${c.dueText}前` : '尽快'}联系您。`,
      },
      update: {
        subject: (c) => `您的投诉有新进展（编号 ${c.reference}）`,
        body: (c) => [`关于您的投诉“${c.title}”，我们有新的进展。`],
        sms: (c) => `【${c.company}】投诉${c.reference}有新进展：${c.note ?? ''}`,
      },
    },
  },
  en: {
    greeting: (name) => (name ? `Dear ${name},` : 'Hello,'),
    signature: (company) => `The ${company} customer care team`,
    noteLabel: 'A note from the person handling it:',
    steps: {
      received: {
        subject: (c) => `We received your complaint (ref. ${c.reference})`,
        body: (c) => [
          `We received your complaint "${c.title}", reference ${c.reference}.`,
          `It is with our ${c.departmentName} team (category: ${c.categoryName}).`,
          c.dueText ? `We will get back to you by ${c.dueText}.` : 'We will get back to you shortly.',
        ],
        sms: (c) => `${c.company}: we received your complaint, ref ${c.reference}. ${c.departmentName} will contact you${c.dueText ? ` by ${c.dueText}` : ' shortly'}.`,
      },
      acknowledged: {
        subject: (c) => `Someone is now handling your complaint (ref. ${c.reference})`,
        body: (c) => [`${c.departmentName} has taken on your complaint "${c.title}".`, c.dueText ? `We aim to resolve it by ${c.dueText}.` : 'We aim to resolve it shortly.'],
        sms: (c) => `${c.company}: complaint ${c.reference} is being handled${c.dueText ? `; we aim to resolve it by ${c.dueText}` : ''}.`,
      },
      in_progress: {
        subject: (c) => `We are working on your complaint (ref. ${c.reference})`,
        body: (c) => [`We are working on your complaint "${c.title}".`, 'We will tell you as soon as there is news.'],
        sms: (c) => `${c.company}: we are working on complaint ${c.reference} and will update you.`,
      },
      waiting_on_customer: {
        subject: (c) => `We need your reply (ref. ${c.reference})`,
        body: (c) => [`To continue with your complaint "${c.title}" we need some information from you.`, 'Please reply to this email or contact customer care; we continue as soon as we hear from you.'],
        sms: (c) => `${c.company}: complaint ${c.reference} needs information from you. Please reply by email or contact customer care.`,
      },
      resolved: {
        subject: (c) => `Your complaint has been resolved (ref. ${c.reference})`,
        body: (c) => [`Your complaint "${c.title}" has been resolved.`, 'If the problem persists, reply to this email and we will reopen it. In a few days we will ask how we did.'],
        sms: (c) => `${c.company}: complaint ${c.reference} is resolved. Not solved? Contact us and we will reopen it.`,
      },
      reopened: {
        subject: (c) => `Your complaint has been reopened (ref. ${c.reference})`,
        body: (c) => [`Your complaint "${c.title}" has been reopened and ${c.departmentName} is on it again.`, c.dueText ? `We will get back to you by ${c.dueText}.` : 'We will get back to you shortly.'],
        sms: (c) => `${c.company}: complaint ${c.reference} was reopened; we will contact you${c.dueText ? ` by ${c.dueText}` : ' shortly'}.`,
      },
      update: {
        subject: (c) => `News about your complaint (ref. ${c.reference})`,
        body: (c) => [`There is news about your complaint "${c.title}".`],
        sms: (c) => `${c.company}: news on complaint ${c.reference}: ${c.note ?? ''}`,
      },
    },
  },
};
