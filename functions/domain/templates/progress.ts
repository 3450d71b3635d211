import type { Locale } from '../config.ts';
import type { ProgressStep } from '../lifecycle.ts';
import { zh } from '../text.ts';

/** What a progress message may mention. Every value is plain text; rendering escapes it for HTML. */
export interface ProgressContext {
  /** The short reference (`YX-4K7M-9QD2`). */
  readonly reference: string;
  readonly customerName?: string;
  /** The customer's own title (quoted; isolated in HTML). */
  readonly title: string;
  readonly categoryName: string;
  readonly departmentName: string;
  readonly company: string;
  /** When the next promised step is due, for the email (customer's time zone). */
  readonly dueText?: string;
  /** The same, short, for the SMS. */
  readonly dueShort?: string;
  /** How long from the step until then (`19 hours`, `5 days`), for a reader in another time zone. */
  readonly dueWithin?: string;
  /** The step answers something the customer sent (work resumes after their reply). */
  readonly afterReply?: boolean;
  /** The step comes after the complaint was reopened (its acknowledgement the second time round). */
  readonly afterReopen?: boolean;
  /** The customer's personal reply page (`<base>/r/<token>`): only in the "waiting on you" and "resolved" SMS, never cut. */
  readonly replyUrl?: string;
}

export interface ProgressTemplate {
  readonly subject: (c: ProgressContext) => string;
  /** Paragraphs of the email body (before the agent's note). */
  readonly body: (c: ProgressContext) => string[];
  /**
   * One SMS. `note` is the agent's public note, already shortened to fit the budget (empty when
   * there is none or none fits). Budget: 1 segment in English, 2 in Chinese, STOP wording included;
   * with `replyUrl` (the "waiting on you" and "resolved" steps) 2 and 3 (`SMS_BUDGET.progressReplyLink*`).
   */
  readonly sms: (c: ProgressContext, note: string) => string;
}

export interface LocaleTemplates {
  readonly greeting: (name?: string) => string;
  readonly signature: (company: string) => string;
  /** Introduces the agent's public note in the email. */
  readonly noteLabel: string;
  /** The reference to quote when they contact us. */
  readonly referenceLine: (reference: string) => string;
  readonly steps: Readonly<Record<ProgressStep, ProgressTemplate>>;
}

const zhNote = (note: string) => (note ? `留言：${note}` : '');
const enNote = (note: string) => (note ? ` Note: ${note}` : '');
/** When, in an email: how long until then first (it reads the same in every time zone), then the time. */
export const zhBy = (dueText: string, within?: string) => (within ? zh`在${within}内、即${dueText}前` : zh`在${dueText}前`);
export const enBy = (dueText: string, within?: string) => (within ? `within ${within}, by ${dueText}` : `by ${dueText}`);

/**
 * Customer progress messages, one set per locale. To add a locale: add it to `LocaleSchema` in
 * config.ts, add a set here with every step, and list it in the config's `locales`.
 */
export const progressTemplates: Readonly<Record<Locale, LocaleTemplates>> = {
  'zh-CN': {
    greeting: (name) => (name ? `${name}，您好：` : '您好：'),
    signature: (company) => `${company}客户关怀团队`,
    noteLabel: '处理人员给您的留言：',
    referenceLine: (reference) => zh`联系我们时请提供投诉编号 ${reference}。`,
    steps: {
      received: {
        subject: (c) => zh`我们已收到您的投诉（编号 ${c.reference}）`,
        body: (c) => [
          zh`我们已收到您的投诉，编号 ${c.reference}。`,
          zh`它已转交${c.departmentName}处理（类别：${c.categoryName}）。`,
          c.dueText ? `我们会${zhBy(c.dueText, c.dueWithin)}联系您。` : '我们会尽快联系您。',
        ],
        sms: (c, note) => zh`【${c.company}】已收到您的投诉，编号${c.reference}，已转${c.departmentName}，${c.dueShort ? zh`${c.dueShort}前` : '尽快'}联系您。${zhNote(note)}`,
      },
      acknowledged: {
        subject: (c) => (c.afterReopen ? zh`重新打开的投诉已有专人跟进（编号 ${c.reference}）` : zh`您的投诉已有专人负责（编号 ${c.reference}）`),
        body: (c) => [
          c.afterReopen ? zh`${c.departmentName}已接手您重新打开的投诉“${c.title}”，并安排专人重新跟进。` : zh`${c.departmentName}已确认您的投诉“${c.title}”，并安排专人负责。`,
          c.dueText ? `我们的目标是${zhBy(c.dueText, c.dueWithin)}解决。` : '我们会尽快解决。',
        ],
        sms: (c, note) => zh`【${c.company}】${c.afterReopen ? '重新打开的' : ''}投诉${c.reference}已有专人${c.afterReopen ? '跟进' : '负责'}${c.dueShort ? zh`，目标${c.dueShort}前解决` : ''}。${zhNote(note)}`,
      },
      in_progress: {
        subject: (c) => (c.afterReply ? zh`已收到您的回复，我们继续处理（编号 ${c.reference}）` : zh`您的投诉正在处理中（编号 ${c.reference}）`),
        body: (c) => [
          c.afterReply ? zh`谢谢您的回复。我们已收到您就投诉“${c.title}”补充的信息，并已继续处理。` : zh`我们正在处理您的投诉“${c.title}”。`,
          '有任何进展我们都会第一时间通知您。',
        ],
        sms: (c, note) => (c.afterReply ? zh`【${c.company}】已收到您的回复，投诉${c.reference}继续处理中，有进展会通知您。${zhNote(note)}` : zh`【${c.company}】投诉${c.reference}正在处理中，有进展会通知您。${zhNote(note)}`),
      },
      waiting_on_customer: {
        subject: (c) => zh`需要您的回复（编号 ${c.reference}）`,
        body: (c) => [zh`为了继续处理您的投诉“${c.title}”，我们需要您提供一些信息。`, '请直接回复此邮件或联系客服。收到您的回复后，我们会立即继续处理。'],
        // With the reply link, the link comes before the note, which ends the text with its own 。 or a cut's …
        sms: (c, note) =>
          c.replyUrl
            ? zh`【${c.company}】投诉${c.reference}需要您补充信息，请点链接回复：${c.replyUrl}${note ? ` ${zhNote(note)}` : ''}`
            : zh`【${c.company}】投诉${c.reference}需要您补充信息${note ? '' : '，请回复邮件或联系客服'}。${zhNote(note)}`,
      },
      resolved: {
        subject: (c) => zh`您的投诉已处理完毕（编号 ${c.reference}）`,
        body: (c) => [zh`您的投诉“${c.title}”已处理完毕。`, '如果问题仍未解决，请直接回复此邮件，我们会重新处理。几天后我们会请您为本次服务打分。'],
        sms: (c, note) =>
          c.replyUrl
            ? zh`【${c.company}】投诉${c.reference}已处理完毕。如未解决，请点链接告诉我们：${c.replyUrl}${note ? ` ${zhNote(note)}` : ''}`
            : zh`【${c.company}】投诉${c.reference}已处理完毕${note ? '' : '，如未解决请联系客服'}。${zhNote(note)}`,
      },
      reopened: {
        subject: (c) => zh`您的投诉已重新打开（编号 ${c.reference}）`,
        body: (c) => [zh`您的投诉“${c.title}”已重新打开，${c.departmentName}会再次跟进。`, c.dueText ? `我们会${zhBy(c.dueText, c.dueWithin)}联系您。` : '我们会尽快联系您。'],
        sms: (c, note) => zh`【${c.company}】投诉${c.reference}已重新打开，${c.dueShort ? zh`${c.dueShort}前` : '尽快'}联系您。${zhNote(note)}`,
      },
      update: {
        subject: (c) => zh`您的投诉有新进展（编号 ${c.reference}）`,
        body: (c) => [zh`关于您的投诉“${c.title}”，我们有新的进展。`],
        sms: (c, note) => zh`【${c.company}】投诉${c.reference}有新进展。${zhNote(note)}`,
      },
    },
  },
  en: {
    greeting: (name) => (name ? `Dear ${name},` : 'Hello,'),
    signature: (company) => `The ${company} customer care team`,
    noteLabel: 'A note for you from the person handling it:',
    referenceLine: (reference) => `Your reference when you contact us: ${reference}`,
    steps: {
      received: {
        subject: (c) => `We received your complaint (ref. ${c.reference})`,
        body: (c) => [
          `We received your complaint, reference ${c.reference}.`,
          `It is with our ${c.departmentName} team (category: ${c.categoryName}).`,
          c.dueText ? `We will get back to you ${enBy(c.dueText, c.dueWithin)}.` : 'We will get back to you shortly.',
        ],
        sms: (c, note) => `${c.company}: complaint received, ref ${c.reference}. We will reply by ${c.dueShort ?? 'soon'}.${enNote(note)}`,
      },
      acknowledged: {
        subject: (c) => (c.afterReopen ? `Your reopened complaint is being handled again (ref. ${c.reference})` : `Someone is now handling your complaint (ref. ${c.reference})`),
        body: (c) => [
          c.afterReopen ? `Our ${c.departmentName} team has taken up your reopened complaint "${c.title}" again.` : `Our ${c.departmentName} team has taken on your complaint "${c.title}".`,
          c.dueText ? `We aim to resolve it ${enBy(c.dueText, c.dueWithin)}.` : 'We aim to resolve it shortly.',
        ],
        sms: (c, note) => `${c.company}: ref ${c.reference} is being handled${c.afterReopen ? ' again' : ''}${c.dueShort ? `, target ${c.dueShort}` : ''}.${enNote(note)}`,
      },
      in_progress: {
        subject: (c) => (c.afterReply ? `Thank you, we have your reply (ref. ${c.reference})` : `We are working on your complaint (ref. ${c.reference})`),
        body: (c) => [
          c.afterReply ? `Thank you for the information about your complaint "${c.title}". We have it and are working on your complaint again.` : `We are working on your complaint "${c.title}".`,
          'We will tell you as soon as there is news.',
        ],
        sms: (c, note) => (c.afterReply ? `${c.company}: thank you, we have your reply and are working on ref ${c.reference} again.${enNote(note)}` : `${c.company}: we are working on ref ${c.reference}.${enNote(note)}`),
      },
      waiting_on_customer: {
        subject: (c) => `We need your reply (ref. ${c.reference})`,
        body: (c) => [`To continue with your complaint "${c.title}" we need some information from you.`, 'Please reply to this email or contact customer care; we continue as soon as we hear from you.'],
        sms: (c, note) =>
          c.replyUrl
            ? `${c.company}: ref ${c.reference} needs information from you.${enNote(note)} Answer here: ${c.replyUrl}`
            : `${c.company}: ref ${c.reference} needs information from you.${note ? enNote(note) : ' Please reply by email.'}`,
      },
      resolved: {
        subject: (c) => `Your complaint has been resolved (ref. ${c.reference})`,
        body: (c) => [`Your complaint "${c.title}" has been resolved.`, 'If the problem persists, reply to this email and we will reopen it. In a few days we will ask how we did.'],
        sms: (c, note) =>
          c.replyUrl
            ? `${c.company}: ref ${c.reference} is resolved.${enNote(note)} Not solved? Tell us: ${c.replyUrl}`
            : `${c.company}: ref ${c.reference} is resolved.${note ? enNote(note) : ' Not solved? Contact us.'}`,
      },
      reopened: {
        subject: (c) => `Your complaint has been reopened (ref. ${c.reference})`,
        body: (c) => [`Your complaint "${c.title}" has been reopened and our ${c.departmentName} team is on it again.`, c.dueText ? `We will get back to you ${enBy(c.dueText, c.dueWithin)}.` : 'We will get back to you shortly.'],
        sms: (c, note) => `${c.company}: ref ${c.reference} was reopened. We will reply by ${c.dueShort ?? 'soon'}.${enNote(note)}`,
      },
      update: {
        subject: (c) => `News about your complaint (ref. ${c.reference})`,
        body: (c) => [`There is news about your complaint "${c.title}".`],
        sms: (c, note) => `${c.company}: news on ref ${c.reference}.${enNote(note)}`,
      },
    },
  },
};
