import { describe, expect, it } from 'vitest';
import { AlertIncidentSchema, newIncident, type AlertIncident } from '../../functions/domain/alert.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { erasableTexts, eraseComplaint, ERASED_TEXT, scrubIncident } from '../../functions/domain/personal-data.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');
const later = new Date('2026-11-20T02:00:00.000Z');

function complaint() {
  const created = createComplaint(
    { channel: 'app', customer: { id: 'c-1', name: 'Wang Fang', email: 'wf@example.com', phone: '+8613700000001', locale: 'en', timeZone: 'Asia/Shanghai' }, title: 'Card stolen', description: 'My card was stolen', orderId: 'O-1', externalId: 'E-1' },
    defaultConfig,
    t0,
    'C1',
  );
  if (!created.ok) throw new Error('fixture');
  const acked = applyEvent(created.complaint, { type: 'acknowledge', actor: 'agent:li', note: 'called Wang Fang' }, t0, defaultConfig);
  if (!acked.ok) throw new Error('fixture');
  return { ...acked.complaint, surveyAnswer: { surveyId: 'C1-r0', answeredAt: t0.toISOString(), rating: 2, solved: false, comment: 'still no card', outcome: 'reopened' as const } };
}

describe('eraseComplaint', () => {
  it('keeps the id, classification, times and survey rating; removes contact, texts, notes and comment', () => {
    const c = complaint();
    const erased = eraseComplaint(c, later);
    expect(erased.customer).toEqual({ id: 'c-1' });
    expect(erased).toMatchObject({ id: 'C1', category: c.category, severity: c.severity, receivedAt: c.receivedAt, firstRespondedAt: c.firstRespondedAt, version: c.version + 1, description: '', erasedAt: later.toISOString() });
    for (const key of ['title', 'orderId', 'externalId'] as const) expect(erased[key]).toBeUndefined();
    expect(erased.timeline.map((e) => e.note)).toEqual([undefined, undefined]);
    expect(erased.timeline.map((e) => e.event)).toEqual(c.timeline.map((e) => e.event));
    expect(erased.surveyAnswer).toEqual({ surveyId: 'C1-r0', answeredAt: t0.toISOString(), rating: 2, solved: false, outcome: 'reopened' });
    expect(eraseComplaint(erased, new Date(later.getTime() + 1))).toBe(erased);
    expect(erasableTexts(erased)).toEqual([]);
  });

  it('removes the email Message-ID and the attachment names and storage keys from the timeline, keeping what came', () => {
    const c = complaint();
    const emailed = {
      ...c,
      timeline: [
        ...c.timeline,
        {
          at: later.toISOString(),
          event: 'customer_email',
          actor: 'customer',
          note: 'see my ID',
          messageId: '<wang.fang.1@mail.example.com>',
          attachments: [
            { name: 'Wang Fang ID.png', contentType: 'image/png', size: 10, key: 'attachments/C1/1-Wang Fang ID.png' },
            { name: 'Wang Fang.exe', contentType: 'application/octet-stream', size: 5, notKept: 'type_not_allowed' as const },
          ],
        },
      ],
    } as typeof c;
    const erased = eraseComplaint(emailed, later);
    expect(JSON.stringify(erased)).not.toMatch(/Wang|wang|see my ID/);
    expect(erased.timeline.at(-1)).toEqual({
      at: later.toISOString(),
      event: 'customer_email',
      actor: 'customer',
      attachments: [
        { name: ERASED_TEXT, contentType: 'image/png', size: 10 },
        { name: ERASED_TEXT, contentType: 'application/octet-stream', size: 5, notKept: 'type_not_allowed' },
      ],
    });
  });

  it('names the texts that may have been copied elsewhere; an incident\'s lines stored before it kept titles apart are erased too', () => {
    const c = complaint();
    expect(erasableTexts(c)).toEqual(['Card stolen', 'Card stolen', 'My card was stolen']);
    // An incident written by the old code held rendered lines in the department's language: read back, their titles match.
    const { newest: _newest, ...old } = newIncident(defaultConfig.categories[0]!, 5, [], new Date('2026-11-20T00:00:00Z'));
    const item = { ...old, newestTitles: ['Card stolen (category: keywords)', 'Login failed', 'Card stolen (分类：关键词)'] };
    const incident = AlertIncidentSchema.parse(item);
    expect(scrubIncident(incident, erasableTexts(c))?.newest).toEqual([{ title: ERASED_TEXT }, { title: 'Login failed' }, { title: ERASED_TEXT }]);
  });
});

describe('scrubIncident', () => {
  const incident = { newest: [{ title: 'Card stolen', receivedAt: '2026-11-20T00:00:00Z' }, { title: 'Login failed' }], topTerms: [{ term: 'card', count: 1 }, { term: 'login', count: 1 }] } as AlertIncident;

  it.each([
    { texts: ['Card stolen'], titles: [ERASED_TEXT, 'Login failed'], terms: ['login'] },
    { texts: ['Nothing like it'], titles: undefined, terms: undefined },
    { texts: [], titles: undefined, terms: undefined },
  ])('$texts', ({ texts, titles, terms }) => {
    const scrubbed = scrubIncident(incident, texts);
    expect(scrubbed?.newest.map((c) => c.title)).toEqual(titles);
    // An erased entry keeps no time, so it never counts among the frequent words.
    expect(scrubbed?.newest[0]).toEqual(titles && { title: ERASED_TEXT });
    expect(scrubbed?.topTerms.map((t) => t.term)).toEqual(terms);
  });
});
