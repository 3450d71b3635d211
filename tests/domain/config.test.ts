import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, parseConfig } from '../../functions/domain/config.ts';
import { loadConfigFile } from '../../functions/adapters/config-file.ts';
import { defaultConfig, rawDefaultConfig } from '../fixtures/config.ts';

function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw, 'test.json');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('shipped default config', () => {
  it('describes a company with at least 6 categories and 5 departments, each head reachable', () => {
    expect(defaultConfig.categories.length).toBeGreaterThanOrEqual(6);
    expect(defaultConfig.departments).toHaveLength(5);
    for (const d of defaultConfig.departments) {
      expect(d.head.email).toMatch(/@/);
      expect(d.head.phone).toMatch(/^\+\d+$/);
    }
    for (const id of ['logistics-delay', 'product-quality', 'after-sales', 'refund', 'account-security', 'service-attitude']) {
      expect(defaultConfig.categories.map((c) => c.id)).toContain(id);
    }
  });
});

describe('the digest block', () => {
  it('defaults to Monday 09:00, three rising categories, ten poor answers, and nobody when absent', () => {
    const raw = rawDefaultConfig();
    delete raw.digest;
    const config = parseConfig(raw, 'test.json');
    expect(config.digest).toEqual({ recipients: [], schedule: { weekday: 'MON', time: '09:00' }, risingCategories: 3, poorAnswers: 10 });
  });
});

describe('the events block', () => {
  it('publishes every event type when absent, and exactly the listed ones (none for []) when given', () => {
    expect(parseConfig(rawDefaultConfig(), 'test.json').events.publish).toBe('all');
    const only = (publish: unknown) => parseConfig({ ...rawDefaultConfig(), events: { publish } }, 'test.json').events.publish;
    expect(only('all')).toBe('all');
    expect(only([])).toEqual([]);
    expect(only(['complaint.received', 'survey.answered'])).toEqual(['complaint.received', 'survey.answered']);
  });
});

describe('the retention block', () => {
  it('keeps complaints 730 days on a Standard table when absent, and takes Standard-IA when asked', () => {
    const { retention: _r, ...raw } = rawDefaultConfig();
    expect(parseConfig(raw, 'test.json').retention).toEqual({ complaintDays: 730, complaintsTableClass: 'STANDARD' });
    const ia = parseConfig({ ...raw, retention: { complaintsTableClass: 'STANDARD_INFREQUENT_ACCESS' } }, 'test.json');
    expect(ia.retention).toEqual({ complaintDays: 730, complaintsTableClass: 'STANDARD_INFREQUENT_ACCESS' });
  });

  it('refuses another table class, naming the key and the two classes', () => {
    const err = errorOf({ ...rawDefaultConfig(), retention: { complaintDays: 730, complaintsTableClass: 'GLACIER' } });
    const issue = err.issues.find((i) => i.path === 'retention.complaintsTableClass');
    expect(issue?.message).toMatch(/STANDARD.*STANDARD_INFREQUENT_ACCESS/);
  });
});

describe("a person's language", () => {
  const director = 'huang.jing@youxuan-mall.example.com';
  const entries = (c: ReturnType<typeof parseConfig>) => c.departments.flatMap((d) => [d.head, ...d.escalationChain]).filter((p) => p.email === director);

  it('ships 黄静 (director in every chain, Finance among them) as zh-CN', () => {
    expect(entries(defaultConfig).map((p) => p.locale)).toEqual(['zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN']);
    expect(defaultConfig.departments.find((d) => d.id === 'finance')!.locale).toBe('en');
  });

  it.each([
    { given: 'on her Finance entry only', set: [3], want: 'en' },
    { given: 'on her Logistics entry only', set: [0], want: 'zh-CN' },
  ])('given $given, holds for every entry with her address', ({ set, want }) => {
    const raw = rawDefaultConfig();
    raw.departments.forEach((d: any, i: number) => {
      if (set.includes(i)) d.escalationChain[2].locale = want;
      else delete d.escalationChain[2].locale;
    });
    expect(entries(parseConfig(raw, 'test.json')).map((p) => p.locale)).toEqual([want, want, want, want, want]);
  });

  it('is absent when no entry names one (each message then follows its department)', () => {
    const raw = rawDefaultConfig();
    for (const d of raw.departments) delete d.escalationChain[2].locale;
    expect(entries(parseConfig(raw, 'test.json')).map((p) => p.locale)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('config validation names the key path and the reason', () => {
  it.each([
    ['unknown department', (c: any) => (c.categories[2].department = 'nobody'), 'categories[2].department', "unknown department 'nobody'"],
    ['threshold not positive', (c: any) => (c.categories[0].threshold.count = 0), 'categories[0].threshold.count', ''],
    ['bad phone', (c: any) => (c.departments[1].head.phone = '138-0013'), 'departments[1].head.phone', 'E.164'],
    ['unknown fallback', (c: any) => (c.fallbackCategory = 'misc'), 'fallbackCategory', "unknown category 'misc'"],
    ['unknown key', (c: any) => (c.categories[0].thresold = 1), 'categories[0]', 'thresold'],
    ['duplicate category', (c: any) => (c.categories[1].id = c.categories[0].id), 'categories[1].id', 'duplicate'],
    ['bad time zone', (c: any) => (c.company.timeZone = 'Mars/Olympus'), 'company.timeZone', 'Mars/Olympus'],
    ['missing sender', (c: any) => delete c.sender, 'sender', ''],
    ['digest recipient without an address', (c: any) => (c.digest.recipients[1].email = 'david.wong'), 'digest.recipients[1].email', ''],
    ['digest recipient listed twice', (c: any) => c.digest.recipients.push({ email: 'Zhao.Min@youxuan-mall.example.com' }), 'digest.recipients[2].email', 'listed twice'],
    ['digest recipient language not offered', (c: any) => ((c.locales = ['zh-CN']), (c.defaultLocale = 'zh-CN')), 'digest.recipients[1].locale', "'en' is not in locales"],
    ['digest language not offered', (c: any) => ((c.locales = ['en']), (c.defaultLocale = 'en'), delete c.digest.recipients[1].locale), 'digest.locale', "'zh-CN' is not in locales"],
    ['digest weekday', (c: any) => (c.digest.schedule.weekday = 'Monday'), 'digest.schedule.weekday', ''],
    ['digest time', (c: any) => (c.digest.schedule.time = '9am'), 'digest.schedule.time', '24-hour time'],
    ['events to publish neither "all" nor a list', (c: any) => (c.events = { publish: 'none' }), 'events.publish', 'must be "all" or a list of event types'],
    ['an unknown event type', (c: any) => (c.events = { publish: ['complaint.received', 'complaint.closed'] }), 'events.publish[1]', 'unknown event type "complaint.closed"'],
    ['an event type listed twice', (c: any) => (c.events = { publish: ['survey.answered', 'survey.answered'] }), 'events.publish[1]', "'survey.answered' is listed twice"],
    ["a person's language that is no locale", (c: any) => (c.departments[0].escalationChain[2].locale = 'fr'), 'departments[0].escalationChain[2].locale', ''],
    ["a head's language not offered", (c: any) => ((c.locales = ['zh-CN']), (c.departments[3].head.locale = 'en')), 'departments[3].head.locale', "'en' is not in locales"],
    ['one person given two languages', (c: any) => (c.departments[3].escalationChain[2].locale = 'en'), 'departments[3].escalationChain[2].locale', "'en' differs from 'zh-CN' at departments[0].escalationChain[2].locale for the same person (huang.jing@youxuan-mall.example.com)"],
  ])('%s', (_name, breakIt, path, reason) => {
    const raw = rawDefaultConfig();
    breakIt(raw);
    const err = errorOf(raw);
    expect(err.message).toContain('test.json');
    const issue = err.issues.find((i) => i.path === path);
    expect(issue, `issues: ${JSON.stringify(err.issues)}`).toBeDefined();
    expect(issue!.message).toContain(reason);
  });

  it('reports unreadable files and bad JSON with the file name', () => {
    expect(() => loadConfigFile('/nonexistent/config.json')).toThrow(/\/nonexistent\/config\.json[\s\S]*cannot read file/);
  });

  it('formats paths like a reader writes them', () => {
    expect(formatPath(['categories', 2, 'threshold', 'count'])).toBe('categories[2].threshold.count');
    expect(formatPath([])).toBe('');
  });
});
