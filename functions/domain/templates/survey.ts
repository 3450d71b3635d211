import type { Locale } from '../config.ts';
import { zh } from '../text.ts';
import { enBy, zhBy } from './progress.ts';

/** What survey messages and pages may mention. Every value is plain text; rendering escapes it for HTML. */
export interface SurveyContext {
  readonly reference: string;
  readonly customerName?: string;
  readonly title: string;
  readonly company: string;
}

/** The survey invitation (email and SMS). */
export interface SurveyMessageTemplate {
  readonly subject: (c: SurveyContext) => string;
  /** Paragraphs of the email body; the link follows them. */
  readonly body: (c: SurveyContext) => string[];
  readonly linkLabel: string;
  /** One SMS with the link (opt-out wording is appended by the renderer). */
  readonly sms: (c: SurveyContext & { link: string }) => string;
}

/** The texts of the survey and unsubscribe pages. */
export interface SurveyPageTexts {
  readonly languageName: string;
  readonly languageSwitchLabel: string;
  readonly title: string;
  readonly intro: (c: SurveyContext) => string;
  readonly ratingLegend: string;
  /** Labels of ratings 1..5, in order. */
  readonly ratingLabels: readonly [string, string, string, string, string];
  readonly solvedLegend: string;
  readonly yes: string;
  readonly no: string;
  readonly commentLabel: string;
  readonly commentHint: string;
  readonly submit: string;
  readonly errorSummary: string;
  readonly errors: { readonly rating: string; readonly solved: string; readonly comment: string };
  readonly thanksTitle: string;
  readonly thanksBody: { readonly reopened: string; readonly closed: string; readonly none: string };
  /** The reopened answer's thanks with the promise the reopen email repeats (`enBy`/`zhBy` wording). */
  readonly thanksReopenedBy: (dueText: string, within?: string) => string;
  readonly answeredTitle: string;
  readonly answeredBody: string;
  readonly expiredTitle: string;
  readonly expiredBody: string;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  readonly unsubscribeTitle: string;
  readonly unsubscribeBody: (company: string) => string;
  readonly unsubscribeButton: string;
  readonly unsubscribedTitle: string;
  readonly unsubscribedBody: (company: string) => string;
}

/** The department's follow-up after a poor answer. */
export interface SurveyFollowupTemplate {
  readonly subject: (c: { reference: string; rating: number; solved: boolean }) => string;
  readonly body: (c: { head: string; reference: string; title: string; category: string; rating: number; solved: boolean; comment?: string; reopened: boolean }) => string[];
  readonly sms: (c: { reference: string; rating: number; solved: boolean; reopened: boolean }) => string;
  /** The link to act: the complaint in the operations console. */
  readonly open: string;
}

/** Opt-out wording carried by every customer email and SMS. */
export interface OptOutTexts {
  /** Email footer before the unsubscribe link. */
  readonly emailFooter: string;
  readonly emailLinkLabel: string;
  /** Appended to every SMS. */
  readonly smsSuffix: string;
}

/**
 * The opt-out wording per locale, apart from the other survey texts: every function that sends a
 * customer message carries it, and only the survey's functions need the rest.
 */
export const optOutTexts: Readonly<Record<Locale, OptOutTexts>> = {
  'zh-CN': {
    emailFooter: '如不想再收到此类消息，可随时退订。',
    emailLinkLabel: '退订：',
    smsSuffix: '回复TD退订',
  },
  en: {
    emailFooter: 'Do not want these messages? You can unsubscribe at any time.',
    emailLinkLabel: 'Unsubscribe:',
    smsSuffix: 'Reply STOP to opt out',
  },
};

export interface SurveyLocaleTexts {
  readonly message: SurveyMessageTemplate;
  readonly page: SurveyPageTexts;
  readonly followup: SurveyFollowupTemplate;
}

/**
 * Survey texts, one set per locale: the invitation, the pages and the department follow-up (the
 * opt-out wording is {@link optOutTexts}). Customise the wording here; to add a locale, add it to `LocaleSchema` in
 * config.ts and a complete set here (the compiler names anything missing).
 */
export const surveyTexts: Readonly<Record<Locale, SurveyLocaleTexts>> = {
  'zh-CN': {
    message: {
      subject: (c) => `请为我们的服务打分（投诉编号 ${c.reference}）`,
      body: (c) => [
        c.customerName ? `${c.customerName}，您好：` : '您好：',
        `您关于“${c.title}”的投诉已处理完毕。您的问题解决了吗？请花一分钟告诉我们。`,
        '如果问题仍未解决，我们会重新处理。',
      ],
      linkLabel: '填写问卷：',
      sms: (c) => zh`【${c.company}】投诉${c.reference}已处理，请评价：${c.link}`,
    },
    page: {
      languageName: '中文',
      languageSwitchLabel: '语言 Language',
      title: '服务满意度调查',
      intro: (c) => zh`关于您的投诉“${c.title}”（编号 ${c.reference}），${c.company}想了解您的感受。`,
      ratingLegend: '您对本次处理的满意程度？',
      ratingLabels: ['1 – 非常不满意', '2 – 不满意', '3 – 一般', '4 – 满意', '5 – 非常满意'],
      solvedLegend: '您的问题解决了吗？',
      yes: '已解决',
      no: '未解决',
      commentLabel: '其他意见（选填）',
      commentHint: '最多 2000 字。',
      submit: '提交',
      errorSummary: '请检查以下内容：',
      errors: { rating: '请选择满意程度（1 到 5）。', solved: '请选择问题是否已解决。', comment: '意见最多 2000 字。' },
      thanksTitle: '感谢您的反馈',
      thanksBody: {
        reopened: '很抱歉问题没有解决。我们已重新处理您的投诉，负责部门会尽快与您联系。',
        closed: '很高兴问题已经解决。感谢您抽出时间告诉我们。',
        none: '我们已收到您的评价，会用它改进服务。',
      },
      thanksReopenedBy: (dueText, within) => `很抱歉问题没有解决。我们已重新处理您的投诉，负责部门会${zhBy(dueText, within)}与您联系。`,
      answeredTitle: '问卷已填写',
      answeredBody: '这份问卷已经提交过了，感谢您的反馈。',
      expiredTitle: '链接已过期',
      expiredBody: '这份问卷的填写期限已过。如问题仍未解决，请联系客服。',
      notFoundTitle: '未找到问卷',
      notFoundBody: '链接无效或不完整。请检查消息中的链接。',
      unsubscribeTitle: '退订消息',
      unsubscribeBody: (company) => zh`退订后，${company}将不再向此邮箱发送投诉进度通知和满意度调查。您今后提交新投诉时，仍会收到一封受理确认。`,
      unsubscribeButton: '确认退订',
      unsubscribedTitle: '已退订',
      unsubscribedBody: (company) => zh`${company}将不再向此邮箱发送投诉进度通知和满意度调查。您今后提交新投诉时，仍会收到一封受理确认。`,
    },
    followup: {
      subject: (c) => zh`【满意度回访】投诉 ${c.reference}：评分 ${c.rating}/5${c.solved ? '' : '，客户反馈未解决'}`,
      body: (c) => [
        `${c.head}，您好：`,
        `客户对投诉“${c.title}”（${c.category}，编号 ${c.reference}）的回访结果：评分 ${c.rating}/5，问题${c.solved ? '已解决' : '未解决'}。`,
        c.comment ? `客户意见：${c.comment}` : '客户没有留下意见。',
        c.reopened ? '投诉已重新打开，新的 SLA 时限已开始计算，请尽快跟进。' : '请跟进客户的反馈。',
      ],
      sms: (c) => zh`【满意度回访】投诉${c.reference}评分${c.rating}/5${c.solved ? '' : '，未解决'}${c.reopened ? '，已重新打开' : ''}，详情见邮件。`,
      open: '在控制台打开此投诉',
    },
  },
  en: {
    message: {
      subject: (c) => `How did we do? (ref. ${c.reference})`,
      body: (c) => [
        c.customerName ? `Dear ${c.customerName},` : 'Hello,',
        `Your complaint "${c.title}" was resolved. Was your problem solved? Please take a minute to tell us.`,
        'If it is not solved, we will reopen it.',
      ],
      linkLabel: 'Answer the survey:',
      sms: (c) => `${c.company}: how did we do with complaint ${c.reference}? One minute: ${c.link}`,
    },
    page: {
      languageName: 'English',
      languageSwitchLabel: 'Language 语言',
      title: 'How did we do?',
      intro: (c) => `${c.company} would like to hear how we handled your complaint "${c.title}" (ref. ${c.reference}).`,
      ratingLegend: 'How satisfied are you with how we handled it?',
      ratingLabels: ['1 – Very dissatisfied', '2 – Dissatisfied', '3 – Neutral', '4 – Satisfied', '5 – Very satisfied'],
      solvedLegend: 'Was your problem solved?',
      yes: 'Yes',
      no: 'No',
      commentLabel: 'Anything else? (optional)',
      commentHint: 'Up to 2,000 characters.',
      submit: 'Submit',
      errorSummary: 'Please check the following:',
      errors: { rating: 'Choose a rating from 1 to 5.', solved: 'Tell us whether your problem was solved.', comment: 'The comment can be at most 2,000 characters.' },
      thanksTitle: 'Thank you for your feedback',
      thanksBody: {
        reopened: 'We are sorry your problem is not solved. We have reopened your complaint and the team will contact you shortly.',
        closed: 'We are glad it is solved. Thank you for taking the time to tell us.',
        none: 'We have your answer and will use it to improve.',
      },
      thanksReopenedBy: (dueText, within) => `We are sorry your problem is not solved. We have reopened your complaint and the team will contact you ${enBy(dueText, within)}.`,
      answeredTitle: 'Already answered',
      answeredBody: 'This survey has already been answered. Thank you for your feedback.',
      expiredTitle: 'This link has expired',
      expiredBody: 'The time to answer this survey has passed. If your problem is not solved, please contact customer care.',
      notFoundTitle: 'Survey not found',
      notFoundBody: 'The link is not valid or is incomplete. Please check the link in your message.',
      unsubscribeTitle: 'Unsubscribe',
      unsubscribeBody: (company) => `After unsubscribing, ${company} will no longer email this address progress updates or surveys about your complaints. If you file a new complaint, you still get one email confirming we received it.`,
      unsubscribeButton: 'Unsubscribe',
      unsubscribedTitle: 'You are unsubscribed',
      unsubscribedBody: (company) => `${company} will no longer email this address progress updates or surveys about your complaints. If you file a new complaint, you still get one email confirming we received it.`,
    },
    followup: {
      subject: (c) => `[Survey follow-up] Complaint ${c.reference}: rated ${c.rating}/5${c.solved ? '' : ', not solved'}`,
      body: (c) => [
        `Hello ${c.head},`,
        `The customer answered the survey for complaint "${c.title}" (${c.category}, ref. ${c.reference}): rating ${c.rating}/5, problem ${c.solved ? 'solved' : 'not solved'}.`,
        c.comment ? `Their comment: ${c.comment}` : 'They left no comment.',
        c.reopened ? 'The complaint has been reopened with a new SLA target; please follow up.' : 'Please follow up on their feedback.',
      ],
      sms: (c) => `Survey follow-up: complaint ${c.reference} rated ${c.rating}/5${c.solved ? '' : ', not solved'}${c.reopened ? ', reopened' : ''}. Details by email.`,
      open: 'Open the complaint in the console',
    },
  },
};
