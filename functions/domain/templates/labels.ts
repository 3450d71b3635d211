import type { Channel, ComplaintStatus } from '../complaint.ts';
import type { Locale, Severity } from '../config.ts';

/** Words for every enum value a message may mention: no raw value ever reaches a person. */
export interface EnumLabels {
  readonly severity: Readonly<Record<Severity, string>>;
  readonly status: Readonly<Record<ComplaintStatus, string>>;
  readonly channel: Readonly<Record<Channel, string>>;
  readonly phase: Readonly<Record<'first_response' | 'resolution', string>>;
  readonly incidentState: Readonly<Record<'open' | 'acknowledged' | 'resolved', string>>;
}

export const enumLabels: Readonly<Record<Locale, EnumLabels>> = {
  'zh-CN': {
    severity: { low: '低', medium: '中', high: '高', critical: '紧急' },
    status: {
      received: '已受理',
      acknowledged: '已分派',
      in_progress: '处理中',
      waiting_on_customer: '等待客户回复',
      resolved: '已解决',
      closed: '已关闭',
      reopened: '已重新打开',
    },
    channel: { phone: '电话', web: '网站', app: '手机应用', email: '邮件', social: '社交媒体', chat: '在线客服', store: '门店' },
    phase: { first_response: '首次响应', resolution: '解决' },
    incidentState: { open: '未确认', acknowledged: '已确认', resolved: '已解除' },
  },
  en: {
    severity: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
    status: {
      received: 'Received',
      acknowledged: 'Assigned',
      in_progress: 'In progress',
      waiting_on_customer: 'Waiting for the customer',
      resolved: 'Resolved',
      closed: 'Closed',
      reopened: 'Reopened',
    },
    channel: { phone: 'Phone', web: 'Website', app: 'App', email: 'Email', social: 'Social media', chat: 'Chat', store: 'Store' },
    phase: { first_response: 'first response', resolution: 'resolution' },
    incidentState: { open: 'Unacknowledged', acknowledged: 'Acknowledged', resolved: 'Resolved' },
  },
};
