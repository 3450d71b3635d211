import { describe, expect, it } from 'vitest';
import { classify, grade, keywordHits } from '../../functions/domain/classify.ts';
import { defaultConfig } from '../fixtures/config.ts';

describe('classify', () => {
  it.each([
    ['快递一周了还没收到，物流信息也不更新', 'logistics-delay'],
    ['My package has not arrived and tracking shows nothing', 'logistics-delay'],
    ['收到的衣服有破损，而且掉色严重', 'product-quality'],
    ['The blender is defective and stopped working', 'product-quality'],
    ['镜头到货时有划痕，照片见附件', 'product-quality'],
    ['手机屏幕裂了，包装完好', 'product-quality'],
    ['The camera lens arrived scratched', 'product-quality'],
    ['The phone screen was cracked out of the box', 'product-quality'],
    ['申请退款十天了还没到账', 'refund'],
    ['I was charged twice and want a refund', 'refund'],
    ['我的账号被盗了，有异常登录', 'account-security'],
    ['Someone hacked my account and changed the password', 'account-security'],
    ['客服态度很差，直接挂电话', 'service-attitude'],
    ['The agent was rude to me', 'service-attitude'],
    ['空调需要安装，售后一直不来', 'after-sales'],
  ])('%s → %s', (text, category) => {
    expect(classify(text, defaultConfig)).toBe(category);
  });

  it('returns undefined when no keyword occurs (the caller falls back)', () => {
    expect(classify('你好，我想问一下营业时间', defaultConfig)).toBeUndefined();
    expect(classify('Hello, what are your opening hours?', defaultConfig)).toBeUndefined();
  });

  it('matches English keywords as whole words only', () => {
    expect(keywordHits('biologin report', { 'zh-CN': [], en: ['login'] })).toBe(0);
    expect(keywordHits('cannot LOGIN today', { 'zh-CN': [], en: ['login'] })).toBe(1);
    expect(keywordHits('it was\nnot   arrived', { 'zh-CN': [], en: ['not arrived'] })).toBe(1);
  });

  it('prefers the category with more keyword hits', () => {
    // "账户" (account) once, but refund words twice.
    expect(classify('账户里的退款一直没到账', defaultConfig)).toBe('refund');
  });
});

describe('grade', () => {
  it.each([
    ['充电宝起火了，孩子受伤', 'critical'],
    ['This is fraud, someone used my card', 'critical'],
    ['产品有安全隐患', 'critical'],
    ['I will contact my lawyer', 'high'],
    ['建议增加夜间配送', 'low'],
    ['包裹晚到了两天', 'medium'],
  ])('%s → %s', (text, severity) => {
    expect(grade(text, defaultConfig).severity).toBe(severity);
  });

  it('says whether a rule or the default decided', () => {
    expect(grade('包裹晚到了两天', defaultConfig).source).toBe('default');
    expect(grade('欺诈', defaultConfig).source).toBe('rules');
  });
});
