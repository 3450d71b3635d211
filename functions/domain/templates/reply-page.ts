import type { Locale } from '../config.ts';
import { zh } from '../text.ts';

/** What the reply page may mention. Every value is plain text; rendering escapes it. */
export interface ReplyPageContext {
  readonly company: string;
  /** The short reference (`YX-4K7M-9QD2`). */
  readonly reference: string;
}

/** What the file hints and errors may mention: sizes in bytes, types as media types. */
export interface ReplyFilesContext {
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly totalBytes: number;
  readonly allowedTypes: readonly string[];
  /** The file an error is about (a safe name: no path, no control or bidirectional characters). */
  readonly file?: string;
}

/** A size as people read it: `4 MB`, `1.5 MB`, `300 KB` (binary units, rounded down, so the limit said is never above the real one). */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.floor((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.max(1, Math.floor(bytes / 1024))} KB`;
}

/** The kinds of file taken, by their usual short names (`JPEG, PNG, PDF`). */
export function typeNames(types: readonly string[]): string[] {
  const names: Readonly<Record<string, string>> = { 'text/plain': 'TXT', 'image/jpeg': 'JPEG', 'image/svg+xml': 'SVG' };
  return [...new Set(types.map((t) => names[t] ?? (t.split('/')[1] ?? t).toUpperCase()))];
}

/** The texts of the reply page (`/r/{token}`) and its answers. */
export interface ReplyPageTexts {
  readonly title: string;
  readonly intro: (c: ReplyPageContext) => string;
  /** Heads the agent's request. */
  readonly askedLabel: string;
  /** Said instead when the request had no public note. */
  readonly askedNothing: string;
  readonly textLabel: string;
  readonly textHint: string;
  /** Labels the file input (where the page takes files). */
  readonly filesLabel: string;
  /** How many files, how large, which kinds. */
  readonly filesHint: (c: ReplyFilesContext) => string;
  /** The hint where the page's script runs: large photos are made smaller before they are sent. */
  readonly filesHintShrinking: (c: ReplyFilesContext) => string;
  /** Shown while the script makes the chosen photos smaller. */
  readonly shrinkingPhotos: string;
  /** The files do not fit one request even after the script made the photos smaller: nothing was sent, the text stays. */
  readonly stillTooLarge: (c: ReplyFilesContext) => string;
  readonly submit: string;
  readonly errorSummary: string;
  readonly errors: {
    readonly empty: string;
    /** No text and no file, where the page takes files. */
    readonly emptyWithFiles: string;
    readonly too_long: string;
    readonly file_type: (c: ReplyFilesContext) => string;
    readonly file_too_large: (c: ReplyFilesContext) => string;
    readonly too_many_files: (c: ReplyFilesContext) => string;
    /** The whole request was too large to read: the text is lost too. */
    readonly body_too_large: (c: ReplyFilesContext) => string;
  };
  readonly thanksTitle: string;
  /** The reply reached the team, and what happens next. */
  readonly thanksBody: (c: ReplyPageContext) => string;
  /** Leads the names of the files the reply carried, on the thank-you page. */
  readonly filesReceived: (count: number) => string;
  readonly closedTitle: string;
  readonly closedBody: (c: ReplyPageContext) => string;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  /** The same page for a resolved complaint (the link in the "resolved" SMS): a reply reopens it. */
  readonly reopen: {
    readonly title: string;
    readonly intro: (c: ReplyPageContext) => string;
    /** Heads what the agent wrote when resolving it. */
    readonly resolvedLabel: string;
    readonly textLabel: string;
    readonly submit: string;
    readonly thanksTitle: string;
    /** The complaint is open again, and what happens next. */
    readonly thanksBody: (c: ReplyPageContext) => string;
  };
}

/**
 * The reply page's texts, one complete set per locale (the compiler names anything missing). The
 * language links' names come from the survey pages' texts, whose shell the page shares.
 */
export const replyPageTexts: Readonly<Record<Locale, ReplyPageTexts>> = {
  'zh-CN': {
    title: '回复我们的问题',
    intro: (c) => zh`${c.company}需要您就投诉 ${c.reference} 补充一些信息。`,
    askedLabel: '处理人员的问题',
    askedNothing: '请告诉我们有助于继续处理您投诉的任何信息。',
    textLabel: '您的回复',
    textHint: '最多 2000 字。请勿填写密码或完整的银行卡号。',
    filesLabel: '照片或文件（可选）',
    filesHint: (c) => zh`最多${c.maxCount}个文件，合计不超过${sizeText(c.totalBytes)}${c.maxBytes < c.totalBytes ? zh`，每个不超过${sizeText(c.maxBytes)}` : ''}。格式：${typeNames(c.allowedTypes).join('、')}。`,
    filesHintShrinking: (c) =>
      zh`最多${c.maxCount}个文件。较大的照片会在发送前自动缩小，合计不超过${sizeText(c.totalBytes)}${c.maxBytes < c.totalBytes ? zh`，每个不超过${sizeText(c.maxBytes)}` : ''}。格式：${typeNames(c.allowedTypes).join('、')}。`,
    shrinkingPhotos: '正在缩小照片，请稍候……',
    stillTooLarge: (c) => zh`文件合计超过${sizeText(c.totalBytes)}，回复尚未发送。请减少文件或选择较小的文件，您写的内容仍在。`,
    submit: '发送回复',
    errorSummary: '请检查以下内容：',
    errors: {
      empty: '请填写您的回复。',
      emptyWithFiles: '请填写您的回复，或选择一张照片。',
      too_long: '回复最多 2000 字，请删减后再发送。',
      file_type: (c) => zh`无法接收文件“${c.file ?? ''}”的格式。请发送${typeNames(c.allowedTypes).join('、')}格式的文件，并重新选择照片。`,
      file_too_large: (c) => zh`文件“${c.file ?? ''}”超过${sizeText(c.maxBytes)}。请选择较小的照片（例如截图），并重新选择照片。`,
      too_many_files: (c) => zh`最多可发送${c.maxCount}个文件，请减少后重新选择。`,
      body_too_large: (c) => zh`照片合计超过${sizeText(c.totalBytes)}，回复未能送达。请选择较少或较小的照片，并重新填写回复。`,
    },
    thanksTitle: '您的回复已送达',
    thanksBody: (c) => zh`处理投诉 ${c.reference} 的团队已收到您的回复，会立即继续处理。有进展时我们会通知您，您无需再做其他操作。`,
    filesReceived: (n) => zh`我们已收到 ${n} 个文件：`,
    closedTitle: '投诉已处理完毕',
    closedBody: (c) => zh`投诉 ${c.reference} 已处理完毕，此链接不再接收回复。如果问题仍未解决，请在我们发给您的满意度调查中告诉我们，或提交新的投诉并注明编号 ${c.reference}。`,
    notFoundTitle: '链接无效',
    notFoundBody: '链接无效、不完整或已过期。请检查短信中的链接。',
    reopen: {
      title: '问题仍未解决？',
      intro: (c) => zh`投诉 ${c.reference} 已标记为处理完毕。如果问题仍未解决，请告诉我们哪里还有问题，我们会重新打开投诉并再次跟进。`,
      resolvedLabel: '我们的处理结果',
      textLabel: '还有什么问题',
      submit: '发送并重新打开投诉',
      thanksTitle: '投诉已重新打开',
      thanksBody: (c) => zh`投诉 ${c.reference} 已重新打开，您写的内容已转给负责的团队。我们会通过短信告诉您何时联系您，您无需再做其他操作。`,
    },
  },
  en: {
    title: 'Reply to our question',
    intro: (c) => `${c.company} needs some information from you about complaint ${c.reference}.`,
    askedLabel: 'What we asked',
    askedNothing: 'Please tell us anything that helps us continue with your complaint.',
    textLabel: 'Your reply',
    textHint: 'Up to 2,000 characters. Please do not send passwords or full card numbers.',
    filesLabel: 'Photos or files (optional)',
    filesHint: (c) =>
      `Up to ${c.maxCount}, ${sizeText(c.totalBytes)} in total${c.maxBytes < c.totalBytes ? `, ${sizeText(c.maxBytes)} each` : ''}. Types: ${typeNames(c.allowedTypes).join(', ')}.`,
    filesHintShrinking: (c) =>
      `Up to ${c.maxCount}. Large photos are made smaller before they are sent, to fit ${sizeText(c.totalBytes)} in total${c.maxBytes < c.totalBytes ? ` and ${sizeText(c.maxBytes)} each` : ''}. Types: ${typeNames(c.allowedTypes).join(', ')}.`,
    shrinkingPhotos: 'Making your photos smaller to send them…',
    stillTooLarge: (c) => `Your files are larger than ${sizeText(c.totalBytes)} together, so nothing was sent yet. Please choose fewer or smaller files; what you wrote is still here.`,
    submit: 'Send reply',
    errorSummary: 'Please check the following:',
    errors: {
      empty: 'Please write your reply.',
      emptyWithFiles: 'Please write your reply or choose a photo.',
      too_long: 'Your reply can be at most 2,000 characters. Please shorten it.',
      file_type: (c) => `We cannot take the file “${c.file ?? ''}”. Please send ${typeNames(c.allowedTypes).join(', ')} files, and choose your photos again.`,
      file_too_large: (c) => `The file “${c.file ?? ''}” is larger than ${sizeText(c.maxBytes)}. Please choose a smaller photo (a screenshot, for example), and choose your photos again.`,
      too_many_files: (c) => `You can send at most ${c.maxCount} files. Please choose fewer.`,
      body_too_large: (c) => `Your photos are larger than ${sizeText(c.totalBytes)} together, so your reply did not reach us. Please choose fewer or smaller photos and write your reply again.`,
    },
    thanksTitle: 'Your reply reached us',
    thanksBody: (c) => `The team handling complaint ${c.reference} has your reply and continues with it now. We will let you know when there is news; you do not need to do anything else.`,
    filesReceived: (n) => `We received ${n} ${n === 1 ? 'file' : 'files'}:`,
    closedTitle: 'This complaint is resolved',
    closedBody: (c) => `Complaint ${c.reference} has been resolved, so this link no longer takes replies. If your problem is not solved, tell us in the satisfaction survey we send you, or file a new complaint quoting ${c.reference}.`,
    notFoundTitle: 'Link not found',
    notFoundBody: 'The link is not valid, is incomplete or has expired. Please check the link in your text message.',
    reopen: {
      title: 'Not solved?',
      intro: (c) => `We marked complaint ${c.reference} as resolved. If the problem is not solved, tell us what is still wrong and we will reopen it and follow up again.`,
      resolvedLabel: 'What we did',
      textLabel: 'What is still wrong',
      submit: 'Send and reopen my complaint',
      thanksTitle: 'Your complaint is reopened',
      thanksBody: (c) => `Complaint ${c.reference} is open again and the team handling it has what you wrote. A text message will tell you when we will get back to you; you do not need to do anything else.`,
    },
  },
};
