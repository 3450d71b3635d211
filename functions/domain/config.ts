import * as z from 'zod';
import { HOLIDAY_SCHEDULE_NAMES } from './holiday-schedules.ts';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from './events.ts';

/** Locales the pipeline ships templates for. */
export const LocaleSchema = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof LocaleSchema>;

export const SeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

/** E.164: a plus sign, a non-zero country code digit, up to 15 digits in all. */
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800000000');

const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lower-case letters, digits and dashes (max 48 characters)');

const LocalizedTextSchema = z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
const KeywordsSchema = z.strictObject({
  'zh-CN': z.array(z.string().min(1)).default([]),
  en: z.array(z.string().min(1)).default([]),
});

const ContactSchema = z.strictObject({
  name: z.string().min(1),
  email: z.email(),
  phone: E164Schema,
  /**
   * The language this person's messages are written in, wherever they are listed (head or any
   * escalation chain): given once it holds for every entry with the same email.
   * @default the department's `locale` (for a person in several departments, the first in config order)
   */
  locale: LocaleSchema.optional(),
});

const SubscriberSchema = z.discriminatedUnion('protocol', [
  z.strictObject({ protocol: z.literal('sms'), endpoint: E164Schema }),
  z.strictObject({ protocol: z.literal('email'), endpoint: z.email() }),
  z.strictObject({ protocol: z.literal('https'), endpoint: z.url({ protocol: /^https$/ }) }),
]);

const ThresholdSchema = z.strictObject({
  /** Complaints within the window that make a breach. */
  count: z.number().int().min(1),
  /** Sliding window length in minutes (whole minutes: counters are kept per minute). */
  windowMinutes: z.number().int().min(1).max(1440),
});

const CategorySchema = z.strictObject({
  id: IdSchema,
  name: LocalizedTextSchema,
  keywords: KeywordsSchema,
  department: IdSchema,
  threshold: ThresholdSchema,
  /**
   * Which detector raises alerts: the static threshold, the adaptive baseline, or both (either fires).
   * @default 'static'
   */
  detector: z.enum(['static', 'adaptive', 'both']).optional(),
  /** Critical categories page by SMS even during a department's quiet hours. @default false */
  critical: z.boolean().optional(),
});

const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as 09:00');
export const TimeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

/** DynamoDB table classes (the names CloudFormation and the AWS CLI use). */
export const TABLE_CLASSES = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const;
export type TableClass = (typeof TABLE_CLASSES)[number];

/** Storage layout settings for high complaint rates (README "Sparse index buckets"). */
export const ScaleSchema = z.strictObject({
  /**
   * Partition values (buckets) of each sparse due index (`byDueAt`, `bySweepAt`, `bySurveyDue`) and of
   * `openAlerts`; every reader queries all of them. Raise it, never lower it: items in a bucket past
   * the new count would no longer be read. @default 16 (1M complaints a day at under 10% of a partition's
   * write limit, even at ten times the average rate)
   */
  dueIndexBuckets: z.number().int().min(1).max(64).default(16),
});

/** When a department works; SLA clocks count only these hours when a calendar is given. */
export const BusinessHoursSchema = z
  .strictObject({
    timeZone: TimeZoneSchema,
    /** ISO weekdays worked: 1 = Monday ... 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1),
    start: ClockTimeSchema,
    end: ClockTimeSchema,
    /** Whole days off, as local dates (YYYY-MM-DD). */
    holidays: z.array(z.iso.date()).default([]),
    /** Days worked although their weekday is not in `days` (make-up working days, 调休), as local dates. */
    workdays: z.array(z.iso.date()).optional(),
    /**
     * An official schedule whose holidays and make-up working days apply too (`cn-mainland`: the State
     * Council's schedule; functions/domain/holiday-schedules.ts). `holidays` and `workdays` above win over it.
     */
    holidaySchedule: z.enum(HOLIDAY_SCHEDULE_NAMES).optional(),
  })
  .refine((b) => b.start < b.end, { message: 'start must be before end', path: ['end'] })
  .refine((b) => !(b.workdays ?? []).some((d) => b.holidays.includes(d)), { message: 'a date cannot be both a holiday and a workday', path: ['workdays'] });
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

/** One level of a department's escalation chain (level 1 is told first). */
const EscalationContactSchema = ContactSchema.extend({
  role: z.string().min(1),
  /** The role as each locale names it in messages; `role` when absent. */
  roleNames: LocalizedTextSchema.optional(),
});

const DepartmentSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  /** The department as each locale names it in messages; `name` when absent. */
  names: LocalizedTextSchema.optional(),
  locale: LocaleSchema,
  head: ContactSchema,
  /** Extra subscribers of the department's alert topic (SNS). The head's phone is always subscribed. */
  extraSubscribers: z.array(SubscriberSchema).default([]),
  /** Who hears, in order, when a complaint's SLA or an unacknowledged alert escalates. */
  escalationChain: z.array(EscalationContactSchema).default([]),
  /** Optional working calendar; without one, SLA clocks run around the clock. */
  businessHours: BusinessHoursSchema.optional(),
  /** SMS to this department's people waits outside these hours (local to the department), except for critical matters. */
  quietHours: z.strictObject({ start: ClockTimeSchema, end: ClockTimeSchema, timeZone: TimeZoneSchema }).optional(),
});

/**
 * The adaptive detector's settings; see functions/domain/adaptive.ts for why these defaults.
 */
export const AdaptiveSettingsSchema = z.strictObject({
  /** Weeks of history read per hour-of-week slot (weekly-median method; hourly rollups are kept fourteen weeks). @default 4 */
  weeks: z.number().int().min(2).max(8).default(4),
  /** Weeks with data needed before the adaptive detector speaks; until then only the static threshold applies. @default 3 */
  minWeeks: z.number().int().min(2).max(8).default(3),
  /** Nominal false alarms per category and 30-day month on traffic that behaves like its history. @default 0.5 */
  falseAlarmsPerMonth: z.number().gt(0).max(30).default(0.5),
  /** No adaptive alert below this many complaints in the window, whatever the baseline. @default 5 */
  minCount: z.number().int().min(1).default(5),
  /**
   * `multi-scale`: the short window, a day and a week, each against a robust baseline from the longer
   * history (functions/domain/multi-scale.ts); `weekly-median`: the v1 detector, the short window
   * against the median of the same window in the last `weeks` weeks. @default 'multi-scale'
   */
  method: z.enum(['multi-scale', 'weekly-median']).default('multi-scale'),
  /** Weeks of history the multi-scale baseline fits (hourly rollups are kept 13 weeks plus a margin). @default 12 */
  historyWeeks: z.number().int().min(3).max(12).default(12),
});
export type AdaptiveSettings = z.infer<typeof AdaptiveSettingsSchema>;

/** Alert incident lifecycle settings, shared by all categories. */
export const AlertingSchema = z.strictObject({
  /** Reminder interval while an incident is unacknowledged. @default 240 */
  repeatIntervalMinutes: z.number().int().min(15).max(7 * 1440).default(240),
  /** Each further level of the escalation chain hears after this long unacknowledged. @default 30 */
  escalationDelayMinutes: z.number().int().min(5).max(7 * 1440).default(30),
  /** The incident clears below this share of the level that fired (hysteresis). @default 0.8 */
  clearFraction: z.number().gt(0).max(1).default(0.8),
  /** ...for this long without interruption. @default 60 */
  clearAfterMinutes: z.number().int().min(5).max(7 * 1440).default(60),
  /** Hours an acknowledge link in an alert email or SMS works (`GET`/`POST /a/{token}`). @default 72 */
  ackLinkTtlHours: z.number().int().min(1).max(30 * 24).default(72),
  /**
   * An open or acknowledged incident whose window count reaches this multiple of its count at opening
   * sends one "getting worse" message, then one more at each further doubling. @default 2
   */
  surgeFactor: z.number().min(1.5).max(100).default(2),
  adaptive: AdaptiveSettingsSchema.prefault({}),
});
export type AlertingSettings = z.infer<typeof AlertingSchema>;

/**
 * The satisfaction survey sent after resolution; see the README's "Satisfaction survey" section.
 */
export const SurveySettingsSchema = z.strictObject({
  /** Days after resolution the survey becomes due. @default 7 */
  delayDays: z.number().min(0).max(90).default(7),
  /** At most one survey per customer within this many days (0: no throttle). @default 30 */
  throttleDays: z.number().int().min(0).max(365).default(30),
  /** No survey goes out within these hours, local to the customer (their `timeZone`, else the company's). @default 21:00-09:00 */
  quietHours: z.strictObject({ start: ClockTimeSchema, end: ClockTimeSchema }).default({ start: '21:00', end: '09:00' }),
  /** Days a survey link can be answered. @default 14 */
  linkTtlDays: z.number().int().min(1).max(90).default(14),
  /**
   * Base URL of the public survey and unsubscribe pages (e.g. a custom domain in front of the HTTP API).
   * @default the HTTP API's URL in AWS, the local server's URL under `npm start`
   */
  publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type SurveySettings = z.infer<typeof SurveySettingsSchema>;

/** A request rate limit: steady requests per second and the burst above it (API Gateway's token bucket). */
const ThrottleSchema = z
  .strictObject({
    rateLimit: z.number().int().min(1).max(10_000),
    burstLimit: z.number().int().min(1).max(5_000),
  })
  .refine((t) => t.burstLimit >= t.rateLimit, { message: 'burstLimit must be at least rateLimit', path: ['burstLimit'] });

/**
 * Limits against abuse of the public intake and pages; see the README's "Abuse limits". Defaults suit a
 * shop of the shipped example's size; raise them before a campaign that brings many complaints at once.
 */
export const ProtectionSchema = z.strictObject({
  /**
   * At most this many complaint receipts (email or SMS) go to one address or phone number in any 60
   * minutes; beyond it the complaint is stored and counted but its receipt is withheld. @default 5
   */
  receiptsPerRecipientPerHour: z.number().int().min(1).max(1000).default(5),
  /**
   * At most this many receipt SMS in one clock hour, company-wide: someone posting complaints with a
   * new phone number each time passes the per-recipient cap, and each receipt SMS is paid for (and
   * SNS's monthly spend limit, once reached, stops the department heads' alert SMS too). Beyond it the
   * SMS receipt is withheld; the email receipt still goes. Set it to about twice the receipt SMS of
   * your busiest hour; `null` sets no budget. @default 500
   */
  receiptSmsPerHour: z.number().int().min(1).max(10_000_000).nullable().default(500),
  /**
   * At most this many receipt emails in one clock hour, company-wide: someone posting complaints with
   * a made-up address each time passes the per-recipient cap, and mail to made-up addresses bounces;
   * SES reviews or pauses an account whose bounce rate climbs, which would stop the alert emails too.
   * Beyond it the email receipt is withheld; an SMS receipt still goes. Set it to about twice the
   * receipt emails of your busiest hour and below your SES sending quota; `null` sets no budget.
   * @default 5000
   */
  receiptEmailsPerHour: z.number().int().min(1).max(10_000_000).nullable().default(5000),
  /**
   * The highest severity a sender may give a complaint (`severity` in `POST /complaints`); a higher
   * one is lowered to it, unless the config's rules grade the text higher. Anyone can post to the
   * intake, and a `critical` complaint is due in two hours and pages people sooner; set `critical`
   * when only your own systems post severities. @default high
   */
  maxGivenSeverity: SeveritySchema.default('high'),
  /** The HTTP API stage's default throttle, every route (AWS only). @default { rateLimit: 50, burstLimit: 100 } */
  apiThrottle: ThrottleSchema.default({ rateLimit: 50, burstLimit: 100 }),
  /** Each public route's throttle: intake, survey, unsubscribe, acknowledge and reply pages (AWS only). @default { rateLimit: 10, burstLimit: 20 } */
  publicRouteThrottle: ThrottleSchema.default({ rateLimit: 10, burstLimit: 20 }),
  /**
   * Reserved concurrency of each public function, so a flood cannot take the account's concurrency
   * from the stream consumers and schedules; `null` reserves none (accounts whose concurrency quota is
   * too small to reserve any). @default 10
   */
  publicReservedConcurrency: z.number().int().min(1).max(1000).nullable().default(10),
  /**
   * An AWS WAF web ACL with a per-IP rate-based rule, on a CloudFront distribution in front of the
   * public routes (WAF cannot attach to an HTTP API). CloudFront web ACLs exist only in us-east-1.
   */
  waf: z
    .strictObject({
      /** @default false */
      enabled: z.boolean().default(false),
      /** Requests one IP may make in 5 minutes before WAF blocks it (CGNAT puts many customers behind one IP). @default 500 */
      requestsPer5MinutesPerIp: z.number().int().min(10).max(2_000_000_000).default(500),
    })
    .prefault({}),
  /**
   * Encrypt the tables and log groups with one customer-managed KMS key (rotated yearly) instead of
   * AWS-owned keys; costs a key and KMS requests, gives key policy control and CloudTrail records of use.
   * @default false
   */
  customerManagedKey: z.boolean().default(false),
});
export type ProtectionSettings = z.infer<typeof ProtectionSchema>;
/**
 * Two-way email (see the README's "Email in and out"): the complaints address, what replies may do,
 * and the limits inbound mail is held to.
 */
export const InboundSettingsSchema = z.strictObject({
  /**
   * The complaints address, e.g. `complaints@support.example.com`. New mail to it becomes a complaint;
   * replies come back to `<local part>+<token>@<domain>`. SES receives for the whole domain, so a
   * subdomain used only for this is best.
   */
  address: z.email().refine((a) => !a.split('@')[0]!.includes('+'), 'must not contain "+": reply addresses add "+<token>" to it'),
  /** A reply to a resolved complaint within this many days of its resolution reopens it; later ones start a new complaint. @default 14 */
  reopenWithinDays: z.number().int().min(0).max(365).default(14),
  /** Days a reply address (its token) keeps working. @default 180 */
  replyTokenTtlDays: z.number().int().min(1).max(3650).default(180),
  /** Larger messages are refused (local SMTP) or ignored (SES; its own limit is 40 MB). @default 10485760 (10 MiB) */
  maxMessageBytes: z.number().int().min(1024).max(40 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Days raw messages (and quarantined ones) are kept in the mail bucket before S3 deletes them. @default 30 */
  rawRetentionDays: z.number().int().min(1).max(365).default(30),
  /** What to do with mail SES marks as spam (`FAIL`): drop it, or keep it under `quarantine/` for review. @default 'quarantine' */
  onSpam: z.enum(['reject', 'quarantine']).default('quarantine'),
  /** What to do with mail SES finds a virus in. @default 'reject' */
  onVirus: z.enum(['reject', 'quarantine']).default('reject'),
  attachments: z
    .strictObject({
      /** Largest attachment kept, in bytes. @default 5242880 (5 MiB) */
      maxBytes: z.number().int().min(1).max(40 * 1024 * 1024).default(5 * 1024 * 1024),
      /** At most this many attachments are kept per message. @default 10 */
      maxCount: z.number().int().min(0).max(50).default(10),
      /** Media types kept (lower case); others are listed on the timeline as not kept. */
      allowedTypes: z
        .array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'must be a media type such as image/png'))
        .default(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'application/pdf', 'text/plain']),
    })
    .prefault({}),
});
export type InboundSettings = z.infer<typeof InboundSettingsSchema>;

/** ISO weekday names, for a weekly schedule people configure. */
export const WeekdaySchema = z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']);
export type Weekday = z.infer<typeof WeekdaySchema>;

/**
 * The weekly management digest (see the README's "Weekly digest"): who gets it, in which language,
 * and when, in the company's time zone (`company.timeZone`).
 */
export const DigestSettingsSchema = z.strictObject({
  /** Who gets the digest; each may name their own language, else the block's `locale`. @default [] (no digest is sent) */
  recipients: z
    .array(
      z.strictObject({
        email: z.email(),
        /** How the digest greets them; none when absent. */
        name: z.string().min(1).optional(),
        /** Their language; the block's `locale` when absent. */
        locale: LocaleSchema.optional(),
      }),
    )
    .default([]),
  /** Language of recipients who name none. @default the config's `defaultLocale` */
  locale: LocaleSchema.optional(),
  /** When it is sent, in the company's time zone; it covers the last whole week (Monday to Sunday) before then. @default Monday 09:00 */
  schedule: z
    .strictObject({
      /** @default 'MON' */
      weekday: WeekdaySchema.default('MON'),
      /** @default '09:00' */
      time: ClockTimeSchema.default('09:00'),
    })
    .prefault({}),
  /** How many of the fastest-rising categories the digest names. @default 3 */
  risingCategories: z.number().int().min(1).max(20).default(3),
  /** How many poor survey answers the digest lists (the count is always complete). @default 10 */
  poorAnswers: z.number().int().min(0).max(50).default(10),
});
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

const SeverityRuleSchema = z.strictObject({
  severity: SeveritySchema,
  keywords: KeywordsSchema,
});

const SlaTargetSchema = z.strictObject({
  firstResponseHours: z.number().positive().max(24 * 30),
  resolutionHours: z.number().positive().max(24 * 90),
});

/**
 * The trained text classifier intake consults (see the README's "Triage that learns"). Optional:
 * without it, categories come from keywords as before.
 */
export const ClassifierSettingsSchema = z.strictObject({
  /** Model file written by `npm run train`, relative to the config file. */
  model: z.string().min(1),
  /** The model's label is used only at this confidence or above (0..1). @default 0.6 */
  minConfidence: z.number().min(0).max(1).default(0.6),
  /** Model label to category id; a label that is itself a category id needs no entry. @default {} */
  labels: z.record(z.string().min(1), IdSchema).default({}),
});
export type ClassifierSettings = z.infer<typeof ClassifierSettingsSchema>;

/** Signals of the escalation-risk score; each has a lexicon per locale. */
export const RiskSignalSchema = z.enum(['negative', 'threat', 'repeat', 'vulnerable']);
export type RiskSignal = z.infer<typeof RiskSignalSchema>;

/**
 * The escalation-risk score (see the README's "Escalation risk"). Optional: without it no score is
 * computed. Lexicons are data: one list per signal and locale.
 */
export const EscalationRiskSchema = z.strictObject({
  /** A complaint scoring at or above this (0..1) is marked and raised one severity step. @default 0.5 */
  level: z.number().gt(0).max(1).default(0.5),
  /** How much each signal at full strength contributes; signals combine as 1 − Π(1 − weight × strength). */
  weights: z
    .strictObject({
      negative: z.number().min(0).max(1).default(0.4),
      threat: z.number().min(0).max(1).default(0.6),
      repeat: z.number().min(0).max(1).default(0.35),
      vulnerable: z.number().min(0).max(1).default(0.35),
    })
    .prefault({}),
  /** Words and phrases per signal and locale (Chinese as substrings, English as whole words). */
  lexicons: z.strictObject({ negative: KeywordsSchema, threat: KeywordsSchema, repeat: KeywordsSchema, vulnerable: KeywordsSchema }),
  /**
   * Where the strength of negative emotion comes from: the `negative` lexicon, or Amazon Comprehend
   * DetectSentiment (AWS only; the function then gets `comprehend:DetectSentiment`). @default 'lexicon'
   */
  sentiment: z.enum(['lexicon', 'comprehend']).default('lexicon'),
});
export type EscalationRiskSettings = z.infer<typeof EscalationRiskSchema>;

const EventTypeListSchema = z.array(
  z.enum(DOMAIN_EVENT_TYPES, { error: (issue) => `unknown event type ${JSON.stringify(issue.input)} (known: ${DOMAIN_EVENT_TYPES.join(', ')})` }),
);

/**
 * Which domain events go to the custom bus (see the README's "Domain events"). Each event put is
 * billed whether or not a rule on the bus matches it, so a company with no consumer can name fewer
 * types (or none). Event ids and detail schemas of what is published do not change.
 */
export const EventsSettingsSchema = z.strictObject({
  /**
   * `"all"`, or the event types to publish (`[]`: none). Parsed by hand rather than as a union, so
   * a wrong entry is reported at its own index instead of as "invalid input" for the whole key.
   * @default 'all'
   */
  publish: z.unknown().optional().transform((value, ctx): 'all' | DomainEventType[] => {
    if (value === undefined || value === 'all') return 'all';
    if (!Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `must be "all" or a list of event types (${DOMAIN_EVENT_TYPES.join(', ')})` });
      return z.NEVER;
    }
    const list = EventTypeListSchema.safeParse(value);
    if (!list.success) {
      for (const issue of list.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    const seen = new Set<DomainEventType>();
    list.data.forEach((type, i) => {
      if (seen.has(type)) ctx.addIssue({ code: 'custom', path: [i], message: `'${type}' is listed twice` });
      seen.add(type);
    });
    return list.data;
  }),
});
export type EventsSettings = z.infer<typeof EventsSettingsSchema>;

export const PipelineConfigSchema = z
  .strictObject({
    company: z.strictObject({
      name: z.string().min(1),
      timeZone: z.string().min(1),
      /** The company as each locale names it in messages; `name` when absent. */
      names: LocalizedTextSchema.optional(),
      /** Prefix of the short complaint reference (`YX-4K7M-9QD2`). @default 'C' */
      refPrefix: z.string().regex(/^[A-Z]{1,3}$/, 'must be one to three capital letters').default('C'),
    }),
    locales: z.array(LocaleSchema).min(1).default(['zh-CN', 'en']),
    defaultLocale: LocaleSchema.default('zh-CN'),
    sender: z.strictObject({
      /** SES identity (verified address or an address on a verified domain). */
      email: z.email(),
      name: z.string().min(1),
    }),
    departments: z.array(DepartmentSchema).min(1),
    categories: z.array(CategorySchema).min(1),
    /** Category used when no keyword matches. */
    fallbackCategory: IdSchema,
    /** Rules checked in order; the first whose keyword occurs sets the severity. */
    severityRules: z.array(SeverityRuleSchema).default([]),
    defaultSeverity: SeveritySchema.default('medium'),
    sla: z.strictObject({
      low: SlaTargetSchema,
      medium: SlaTargetSchema,
      high: SlaTargetSchema,
      critical: SlaTargetSchema,
    }),
    slaPolicy: z
      .strictObject({
        /** Share of a target after which the department is warned. */
        warningFraction: z.number().gt(0).lt(1).default(0.75),
        /** After a breach, the next level of the escalation chain hears after each further interval. */
        escalationIntervalMinutes: z.number().int().min(5).max(7 * 1440).default(240),
        /** A complaint by the same customer in the same category within this many days is a repeat. */
        repeatWindowDays: z.number().int().min(1).max(365).default(30),
        /** At most this many SLA SMS per person per clock hour; past it, SLA news comes by email only (and the email says so). */
        smsPerHour: z.number().int().min(0).max(60).default(4),
      })
      .default({ warningFraction: 0.75, escalationIntervalMinutes: 240, repeatWindowDays: 30, smsPerHour: 4 }),
    customerNotifications: z
      .strictObject({
        /** `preferred`: email when the customer gave one, else SMS. `all`: every channel they gave. */
        channels: z.enum(['preferred', 'all']).default('preferred'),
      })
      .default({ channels: 'preferred' }),
    retention: z
      .strictObject({
        /** Complaints (with personal data) are deleted by DynamoDB TTL this long after receipt. */
        complaintDays: z.number().int().min(30).max(3650).default(730),
        /**
         * The complaints table's class (and its indexes'): `STANDARD_INFREQUENT_ACCESS` stores for 60%
         * less and charges 25% more per request; `npm run cost` prices both for this config.
         */
        complaintsTableClass: z.enum(TABLE_CLASSES).default('STANDARD'),
      })
      .prefault({}),
    alerting: AlertingSchema.prefault({}),
    survey: SurveySettingsSchema.prefault({}),
    protection: ProtectionSchema.prefault({}),
    classifier: ClassifierSettingsSchema.optional(),
    escalationRisk: EscalationRiskSchema.optional(),
    /** Two-way email; without it nothing is received and customer emails carry no reply address. */
    inbound: InboundSettingsSchema.optional(),
    digest: DigestSettingsSchema.prefault({}),
    scale: ScaleSchema.prefault({}),
    events: EventsSettingsSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const departmentIds = new Set<string>();
    config.departments.forEach((d, i) => {
      if (departmentIds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: `duplicate department id '${d.id}'` });
      departmentIds.add(d.id);
    });
    const categoryIds = new Set<string>();
    config.categories.forEach((c, i) => {
      if (categoryIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `duplicate category id '${c.id}'` });
      categoryIds.add(c.id);
      if (!departmentIds.has(c.department)) {
        ctx.addIssue({ code: 'custom', path: ['categories', i, 'department'], message: `unknown department '${c.department}'` });
      }
    });
    for (const [label, id] of Object.entries(config.classifier?.labels ?? {})) {
      if (!categoryIds.has(id)) ctx.addIssue({ code: 'custom', path: ['classifier', 'labels', label], message: `unknown category '${id}'` });
    }
    if (!categoryIds.has(config.fallbackCategory)) {
      ctx.addIssue({ code: 'custom', path: ['fallbackCategory'], message: `unknown category '${config.fallbackCategory}'` });
    }
    if (config.alerting.adaptive.minWeeks > config.alerting.adaptive.weeks) {
      ctx.addIssue({ code: 'custom', path: ['alerting', 'adaptive', 'minWeeks'], message: 'must not exceed weeks' });
    }
    if (!config.locales.includes(config.defaultLocale)) {
      ctx.addIssue({ code: 'custom', path: ['defaultLocale'], message: `'${config.defaultLocale}' is not in locales` });
    }
    if (config.digest.locale && !config.locales.includes(config.digest.locale)) {
      ctx.addIssue({ code: 'custom', path: ['digest', 'locale'], message: `'${config.digest.locale}' is not in locales` });
    }
    const digestEmails = new Set<string>();
    config.digest.recipients.forEach((r, i) => {
      if (r.locale && !config.locales.includes(r.locale)) ctx.addIssue({ code: 'custom', path: ['digest', 'recipients', i, 'locale'], message: `'${r.locale}' is not in locales` });
      if (digestEmails.has(r.email.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['digest', 'recipients', i, 'email'], message: `'${r.email}' is listed twice; they would get the digest twice` });
      digestEmails.add(r.email.toLowerCase());
    });
    try {
      new Intl.DateTimeFormat('en', { timeZone: config.company.timeZone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['company', 'timeZone'], message: `unknown IANA time zone '${config.company.timeZone}'` });
    }
    // A person's language is theirs, not their department's: one person, one locale.
    const spoken = new Map<string, { locale: Locale; path: string }>();
    for (const { person, path } of people(config)) {
      if (!person.locale) continue;
      if (!config.locales.includes(person.locale)) ctx.addIssue({ code: 'custom', path: [...path, 'locale'], message: `'${person.locale}' is not in locales` });
      const first = spoken.get(person.email.toLowerCase());
      if (!first) spoken.set(person.email.toLowerCase(), { locale: person.locale, path: formatPath([...path, 'locale']) });
      else if (first.locale !== person.locale) {
        ctx.addIssue({ code: 'custom', path: [...path, 'locale'], message: `'${person.locale}' differs from '${first.locale}' at ${first.path} for the same person (${person.email})` });
      }
    }
  })
  // Every entry of a person who named a locale anywhere carries it, so a message to them needs no lookup.
  .transform((config) => {
    const spoken = new Map<string, Locale>();
    for (const { person } of people(config)) if (person.locale && !spoken.has(person.email.toLowerCase())) spoken.set(person.email.toLowerCase(), person.locale);
    const withLocale = <T extends { email: string; locale?: Locale | undefined }>(person: T): T => {
      const locale = spoken.get(person.email.toLowerCase());
      return locale ? { ...person, locale } : person;
    };
    return { ...config, departments: config.departments.map((d) => ({ ...d, head: withLocale(d.head), escalationChain: d.escalationChain.map(withLocale) })) };
  });

/** Every person the config lists (each head and escalation-chain entry) with its key path. */
function people(config: { departments: ReadonlyArray<{ head: Contact; escalationChain: readonly Contact[] }> }): Array<{ person: Contact; path: Array<string | number> }> {
  return config.departments.flatMap((d, i) => [
    { person: d.head, path: ['departments', i, 'head'] },
    ...d.escalationChain.map((person, j) => ({ person, path: ['departments', i, 'escalationChain', j] })),
  ]);
}

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type Category = PipelineConfig['categories'][number];
export type Department = PipelineConfig['departments'][number];

/** Thrown when a config does not validate; the message names every failing key path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`Invalid config (${source}):\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

/** Renders a zod issue path as `categories[2].threshold.count`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/**
 * Validates raw config data.
 * @param raw parsed JSON
 * @param source where it came from, for the error message
 * @throws ConfigError naming each failing key path and the reason
 */
export function parseConfig(raw: unknown, source: string): PipelineConfig {
  const result = PipelineConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/** Looks up a category; the config's cross-references are validated, so a miss is a caller bug. */
export function categoryById(config: PipelineConfig, id: string): Category | undefined {
  return config.categories.find((c) => c.id === id);
}

export function departmentById(config: PipelineConfig, id: string): Department | undefined {
  return config.departments.find((d) => d.id === id);
}

/** A person as the config lists them (a head or an escalation-chain entry). */
export type Contact = z.infer<typeof ContactSchema>;

/**
 * The language of a message to this person: their own `locale` (a parsed config gives it to every
 * entry of a person who named one anywhere), else `department`'s.
 */
export function personLocale(person: Pick<Contact, 'locale'>, department: Pick<Department, 'locale'>): Locale {
  return person.locale ?? department.locale;
}
