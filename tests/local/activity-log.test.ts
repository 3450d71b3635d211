import { describe, expect, it } from 'vitest';
import { incidentLine, messageLine } from '../../functions/local/activity-log.ts';

describe('npm start activity lines', () => {
  it('names a message by kind, channel and ids, never its recipient or text', () => {
    const line = messageLine({
      id: 'msg-000007',
      channel: 'sms',
      to: '+8613800138005',
      body: '张三 您好：账号异常登录',
      kind: 'progress',
      messageId: 'progress:01M8TH0D9FTPJKPFF96XT612NT:1:sms',
      at: '2026-03-02T01:00:00.000Z',
      complaintId: '01M8TH0D9FTPJKPFF96XT612NT',
    });
    expect(line).toBe('[message] sent progress sms msg-000007 complaint=01M8TH0D9FTPJKPFF96XT612NT');
    expect(line).not.toContain('+86');
    expect(line).not.toContain('张三');
  });

  it('names incident changes by id and category; other events give no line', () => {
    const raised = incidentLine({
      type: 'alert.raised',
      id: 'i1:raised',
      time: '2026-03-02T01:00:00.000Z',
      detail: { incidentId: 'INC1', category: 'refund', department: 'finance', count: 10, threshold: 10, windowMinutes: 60 },
    });
    expect(raised).toBe('[alert] raised incident=INC1 category=refund count=10 threshold=10');
    const acknowledged = incidentLine({
      type: 'alert.acknowledged',
      id: 'i1:ack',
      time: '2026-03-02T01:10:00.000Z',
      detail: { incidentId: 'INC1', category: 'refund', acknowledgedBy: 'Li Na <li.na@example.com>' },
    });
    expect(acknowledged).toBe('[alert] acknowledged incident=INC1 category=refund');
    expect(incidentLine({ type: 'complaint.received', id: 'c', time: '2026-03-02T01:00:00.000Z', detail: { complaintId: 'C1' } })).toBeUndefined();
  });
});
