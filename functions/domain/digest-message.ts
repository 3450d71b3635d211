/**
 * The weekly digest as an email: figures from `digest.ts`, texts from `templates/digest.ts`, laid
 * out as tables (mail clients keep them) through the one rendering path, with the chart as an inline
 * `cid:` image. Pure.
 */
import type { ChartSpec } from './chart-spec.ts';
import type { Locale, PipelineConfig } from './config.ts';
import { consoleComplaintUrl, consoleReportsUrl } from './console-links.ts';
import type { CategoryChange, Delta, DigestFigures, DigestWeek, PoorAnswer } from './digest.ts';
import { a, action, emailFor, heading, image, muted, p, table, ul, type Block, type Inline } from './message-render.ts';
import type { EmailMessage, InlineImage } from './messages.ts';
import { categoryName, companyName, departmentNameById } from './names.ts';
import { digestTexts, type DigestTexts } from './templates/digest.ts';
import { formatDuration, formatShortTime } from './time.ts';

/** A digest recipient with the language they read it in. */
export interface DigestRecipient {
  readonly email: string;
  readonly name?: string | undefined;
  readonly locale: Locale;
}

/** Every recipient of `digest.recipients`, each with their language (theirs, else the block's, else `defaultLocale`). */
export function digestRecipients(config: PipelineConfig): DigestRecipient[] {
  return config.digest.recipients.map((r) => ({ email: r.email, name: r.name, locale: r.locale ?? config.digest.locale ?? config.defaultLocale }));
}

/** The message id of one week's digest to one recipient: the ledger sends it once, however often the schedule fires. */
export function digestMessageId(week: DigestWeek, email: string): string {
  return `digest:${week.firstDay}:${email.toLowerCase()}`;
}

/** The Content-ID the HTML's chart refers to. */
export const DIGEST_CHART_CID = 'digest-chart@complaint-pipeline';
/** CSS width of the chart in the email (the PNG is drawn at twice this). */
export const DIGEST_CHART_WIDTH = 600;

/** A poor answer with the complaint's reference, as the use case found it. */
export interface PoorAnswerRef extends PoorAnswer {
  readonly complaintId: string;
  readonly reference: string;
}

/** The chart: complaints per category, the week before and last week side by side. */
export function digestChartSpec(figures: DigestFigures, config: PipelineConfig, locale: Locale): ChartSpec {
  const t = digestTexts[locale];
  return {
    title: t.chart.title,
    xLabel: t.chart.xLabel,
    yLabel: t.chart.yLabel,
    categories: figures.categories.map((c) => categoryName(config, c.category, locale)),
    series: [
      { name: `${t.weekBefore} (${weekLabel(figures.weeks.previous, locale)})`, values: figures.categories.map((c) => c.previous) },
      { name: `${t.lastWeek} (${weekLabel(figures.weeks.current, locale)})`, values: figures.categories.map((c) => c.current) },
    ],
    lang: locale,
  };
}

/** The PNG's size in device pixels, from its IHDR chunk. @throws Error when the bytes are not a PNG */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) throw new Error('not a PNG image');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The chart as an inline image of the email. */
export function digestChartImage(png: Uint8Array, locale: Locale): InlineImage {
  return { contentId: DIGEST_CHART_CID, contentType: 'image/png', filename: `complaints-per-category-${locale}.png`, base64: Buffer.from(png).toString('base64') };
}

const DATE_PARTS = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A week as people write it: `23–29 Nov 2026`, `30 Nov – 6 Dec 2026`; `2026年11月23日–29日`, `2026年11月30日–12月6日`. */
export function weekLabel(w: Pick<DigestWeek, 'firstDay' | 'lastDay'>, locale: Locale): string {
  const [, y1, m1, d1] = DATE_PARTS.exec(w.firstDay) ?? [];
  const [, y2, m2, d2] = DATE_PARTS.exec(w.lastDay) ?? [];
  const [day1, day2, mon1, mon2] = [Number(d1), Number(d2), Number(m1), Number(m2)];
  if (locale === 'zh-CN') {
    if (y1 !== y2) return `${y1}年${mon1}月${day1}日–${y2}年${mon2}月${day2}日`;
    return mon1 === mon2 ? `${y1}年${mon1}月${day1}日–${day2}日` : `${y1}年${mon1}月${day1}日–${mon2}月${day2}日`;
  }
  const [n1, n2] = [MONTHS_EN[mon1 - 1], MONTHS_EN[mon2 - 1]];
  if (y1 !== y2) return `${day1} ${n1} ${y1} – ${day2} ${n2} ${y2}`;
  return mon1 === mon2 ? `${day1}–${day2} ${n2} ${y2}` : `${day1} ${n1} – ${day2} ${n2} ${y2}`;
}

const MINUS = '−';
const signed = (n: number, digits = 0) => {
  const text = Math.abs(n).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${n > 0 ? '+' : MINUS}${text}`;
};

/** How the digest writes its numbers; every absent figure is the locale's "no data" mark, never NaN. */
export function digestFormat(locale: Locale) {
  const t = digestTexts[locale];
  const percent = (rate: number | null) => (rate === null ? t.noData : `${Math.round(rate * 1000) / 10}%`);
  return {
    percent,
    count: (n: number) => String(n),
    minutes: (m: number | null) => (m === null ? t.noData : formatDuration(m * 60_000, locale)),
    /** A rate change in percentage points, one decimal. */
    points: (d: Delta) => (d === null ? t.noData : t.points(signed(d * 100, 1))),
    countChange: (d: number) => signed(d),
    minutesChange: (d: Delta) => (d === null ? t.noData : d === 0 ? '0' : `${d > 0 ? '+' : MINUS}${formatDuration(Math.abs(d) * 60_000, locale)}`),
    /** `+3 (+25%)`; without a relative change (nothing the week before) just `+3`. */
    categoryChange: (c: Pick<CategoryChange, 'delta' | 'relative'>) => (c.relative === null || c.delta === 0 ? signed(c.delta) : `${signed(c.delta)} (${signed(c.relative * 100)}%)`),
  };
}

function headlineRows(f: DigestFigures, t: DigestTexts, locale: Locale): Array<readonly (readonly Inline[])[]> {
  const n = digestFormat(locale);
  const [cur, prev, d] = [f.current, f.previous, f.deltas];
  const row = (label: string, before: string, last: string, change: string): readonly (readonly Inline[])[] => [[label], [before], [last], [change]];
  return [
    row(t.rows.received, n.count(prev.kpis.received), n.count(cur.kpis.received), n.countChange(d.received)),
    row(t.rows.firstResponseOnTime, n.percent(prev.kpis.firstResponseOnTimeRate), n.percent(cur.kpis.firstResponseOnTimeRate), n.points(d.firstResponseOnTimeRate)),
    row(t.rows.resolutionOnTime, n.percent(prev.kpis.resolutionOnTimeRate), n.percent(cur.kpis.resolutionOnTimeRate), n.points(d.resolutionOnTimeRate)),
    row(t.rows.fcr, n.percent(prev.kpis.firstContactResolutionRate), n.percent(cur.kpis.firstContactResolutionRate), n.points(d.firstContactResolutionRate)),
    row(t.rows.escalation, n.percent(prev.kpis.escalationRate), n.percent(cur.kpis.escalationRate), n.points(d.escalationRate)),
    row(t.rows.repeat, n.percent(prev.kpis.repeatRate), n.percent(cur.kpis.repeatRate), n.points(d.repeatRate)),
    row(t.rows.csat, n.percent(prev.csat.csat), n.percent(cur.csat.csat), n.points(d.csat)),
    row(t.rows.responseRate, n.percent(prev.csat.responseRate), n.percent(cur.csat.responseRate), n.points(d.responseRate)),
    row(t.rows.incidents, n.count(prev.incidents.raised), n.count(cur.incidents.raised), n.countChange(d.incidentsRaised)),
    row(t.rows.ackTime, n.minutes(prev.incidents.ackMedianMinutes), n.minutes(cur.incidents.ackMedianMinutes), n.minutesChange(d.ackMedianMinutes)),
  ];
}

export interface DigestMessageInput {
  readonly figures: DigestFigures;
  readonly recipient: DigestRecipient;
  /** The first `digest.poorAnswers` poor answers with their complaints' references. */
  readonly poorAnswers: readonly PoorAnswerRef[];
  /** The chart PNG for the recipient's language; absent: the email has the table only. */
  readonly chart?: Uint8Array;
  /** Base URL of the console links; absent: the email has no links. */
  readonly base: string | undefined;
  readonly config: PipelineConfig;
}

/** One recipient's digest email (kind `digest`, id {@link digestMessageId}). */
export function renderDigest(input: DigestMessageInput): EmailMessage {
  const { figures: f, recipient, config, base } = input;
  const locale = recipient.locale;
  const t = digestTexts[locale];
  const n = digestFormat(locale);
  const company = companyName(config, locale);
  const [week, previousWeek] = [weekLabel(f.weeks.current, locale), weekLabel(f.weeks.previous, locale)];
  const name = (c: CategoryChange) => categoryName(config, c.category, locale);
  const columns = [t.weekBefore, t.lastWeek, t.change];
  const blocks: Block[] = [
    p(t.hello(recipient.name)),
    p(t.intro(company, week, previousWeek, config.company.timeZone)),
    // The table's caption is the section's title: a heading as well would say it twice.
    table(t.headline, [t.figure, ...columns], headlineRows(f, t, locale), [false, true, true, true]),
    muted(t.asOf),
    heading(t.perCategory),
  ];
  let inlineImages: InlineImage[] | undefined;
  if (input.chart) {
    const size = pngSize(input.chart);
    const height = Math.round((size.height * DIGEST_CHART_WIDTH) / size.width);
    blocks.push(image(`cid:${DIGEST_CHART_CID}`, t.chartAlt(week, previousWeek), DIGEST_CHART_WIDTH, height));
    inlineImages = [digestChartImage(input.chart, locale)];
  }
  blocks.push(
    table(
      t.perCategoryTable,
      [t.category, ...columns],
      f.categories.map((c) => [[name(c)], [n.count(c.previous)], [n.count(c.current)], [n.categoryChange(c)]]),
      [false, true, true, true],
    ),
    heading(t.rising),
    f.rising.length ? ul(f.rising.map((c) => [t.risingLine(name(c), c.previous, c.current, n.categoryChange(c))])) : p(t.noneRising),
    heading(t.poor),
  );
  if (!f.poorAnswers.length) blocks.push(p(t.nonePoor));
  else {
    blocks.push(
      p(t.poorIntro(f.poorAnswers.length)),
      ul(
        input.poorAnswers.map((answer) => {
          const line = t.poorLine({
            reference: answer.reference,
            category: categoryName(config, answer.category, locale),
            department: departmentNameById(config, answer.department, locale),
            rating: answer.rating,
            solved: answer.solved,
            answeredAt: formatShortTime(new Date(answer.answeredAt), config.company.timeZone, locale),
          });
          return base ? [a(line, consoleComplaintUrl(base, answer.complaintId))] : [line];
        }),
      ),
    );
    const more = f.poorAnswers.length - input.poorAnswers.length;
    if (more > 0) blocks.push(p(t.poorMore(more)));
  }
  if (base) blocks.push(action(t.openReports, consoleReportsUrl(base)));
  blocks.push(muted(t.notes));
  return emailFor({
    id: digestMessageId(f.weeks.current, recipient.email),
    kind: 'digest',
    to: recipient.email,
    locale,
    subject: t.subject(company, week),
    blocks,
    ...(inlineImages && { inlineImages }),
  });
}
