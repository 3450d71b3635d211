import { describe, expect, it } from 'vitest';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { admitReceipt, isWithheldReceipt, withholdReceipts } from '../../functions/domain/receipt-cap.ts';
import { defaultConfig } from '../fixtures/config.ts';

const T0 = new Date('2026-11-20T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const ms = (minutes: number) => at(minutes).getTime();

describe('admitReceipt (sliding hour per recipient)', () => {
  it.each([
    ['an empty window admits and counts', {}, 'c1', 0, 2, true, { c1: ms(0) }],
    ['below the limit admits', { a: ms(-10) }, 'c1', 0, 2, true, { a: ms(-10), c1: ms(0) }],
    ['at the limit refuses and counts nothing', { a: ms(-10), b: ms(-5) }, 'c1', 0, 2, false, { a: ms(-10), b: ms(-5) }],
    ['a complaint already counted is admitted again without a second slot', { a: ms(-10), c1: ms(-5) }, 'c1', 0, 2, true, { a: ms(-10), c1: ms(-5) }],
    ['receipts older than an hour no longer count', { a: ms(-61), b: ms(-60) }, 'c1', 0, 2, true, { c1: ms(0) }],
    ['a receipt exactly an hour old has left the window', { a: ms(-60), b: ms(-59) }, 'c1', 0, 2, true, { b: ms(-59), c1: ms(0) }],
  ] as const)('%s', (_name, window, id, minute, limit, admitted, next) => {
    const decision = admitReceipt(window, id, at(minute), limit);
    expect(decision.admitted).toBe(admitted);
    expect(decision.next).toEqual(next);
  });

  it('reports whether the window must be written', () => {
    expect(admitReceipt({ c1: ms(-1) }, 'c1', at(0), 5).changed).toBe(false);
    expect(admitReceipt({ a: ms(-1) }, 'c1', at(0), 1).changed).toBe(false);
    expect(admitReceipt({ a: ms(-90) }, 'c1', at(0), 0).changed).toBe(true);
  });
});

describe('withholdReceipts', () => {
  const LIMITS = { perRecipient: 5, smsPerHour: 500, emailsPerHour: null };
  const built = createComplaint({ channel: 'web', customer: { id: 'c', phone: '+8613900000000' }, description: '快递没到' }, defaultConfig, T0, 'C1');
  if (!built.ok) throw new Error('fixture');
  const complaint = built.complaint;

  it('leaves a complaint whose receipts all go out unchanged', () => {
    expect(withholdReceipts(complaint, [], LIMITS)).toBe(complaint);
  });

  it('records the withheld channel and says why in an internal timeline entry', () => {
    const withheld = withholdReceipts(complaint, [{ channel: 'sms', reason: 'recipient_cap' }], LIMITS);
    expect(withheld.receiptWithheld).toEqual(['sms']);
    expect(withheld.timeline).toEqual([
      complaint.timeline[0],
      {
        at: complaint.receivedAt,
        actor: 'system',
        event: 'receipt_withheld',
        status: 'received',
        internal: true,
        note: expect.stringMatching(/^Receipt by SMS not sent: this phone number already had 5 receipts within the last hour \(protection\.receiptsPerRecipientPerHour\)/),
        withheld: { channel: 'sms', reason: 'recipient_cap', limit: 5 },
      },
    ]);
    expect(withheld.timeline[1]!.note).not.toContain('+8613900000000');
    expect(isWithheldReceipt(withheld, 0, 'sms')).toBe(true);
    expect(isWithheldReceipt(withheld, 0, 'email')).toBe(false);
    expect(isWithheldReceipt(withheld, 1, 'sms')).toBe(false);
    expect(isWithheldReceipt(complaint, 0, 'sms')).toBe(false);
  });

  it('names the spent hourly SMS budget when that is why, and each reason in its own entry', () => {
    const withheld = withholdReceipts(
      complaint,
      [
        { channel: 'email', reason: 'recipient_cap' },
        { channel: 'sms', reason: 'sms_budget' },
      ],
      LIMITS,
    );
    expect(withheld.receiptWithheld).toEqual(['email', 'sms']);
    expect(withheld.timeline.slice(1).map((t) => t.note)).toEqual([
      expect.stringMatching(/^Receipt by email not sent: this address already had 5 receipts within the last hour/),
      'Receipt by SMS not sent: the 500 receipt SMS this hour allows company-wide were already sent (protection.receiptSmsPerHour). The complaint is stored and counted as usual.',
    ]);
  });
});
