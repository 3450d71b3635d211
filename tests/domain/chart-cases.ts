import type { ChartSpec } from '../../functions/domain/chart-spec.ts';

/** The digest's kind of chart, in English: two weeks per category. */
export const englishSpec: ChartSpec = {
  title: 'Complaints received per category: last week against the week before',
  xLabel: 'Category',
  yLabel: 'Complaints',
  lang: 'en',
  categories: ['Billing', 'Delivery delays and missing parcels', 'Product quality', 'Customer service', 'Website & app', 'Refunds'],
  series: [
    { name: 'Week of 16 Nov', values: [12, 30, 7, 0, 19, 4] },
    { name: 'Week of 23 Nov', values: [15, 22, 9, 3, 25, 6] },
  ],
};

/** The same chart in Chinese. */
export const chineseSpec: ChartSpec = {
  title: '各类别投诉量：上周与前一周对比',
  xLabel: '投诉类别',
  yLabel: '投诉数量',
  lang: 'zh-CN',
  categories: ['账单', '物流延误与包裹丢失问题', '产品质量', '客户服务', '网站与应用', '退款'],
  series: [
    { name: '11月16日当周', values: [12, 30, 7, 0, 19, 4] },
    { name: '11月23日当周', values: [15, 22, 9, 3, 25, 6] },
  ],
};

const ENGLISH_CATEGORIES = [
  'Billing and invoices that were charged twice or not at all',
  'Delivery',
  'Antidisestablishmentarianismically',
  'Product quality',
  'Customer service on the phone and in the shops',
  'Website',
  'Refunds',
  'Privacy & data',
  'Store staff',
  'Warranty and repair of defective devices',
  'Other',
  'Accessibility for wheelchair users',
];
const CHINESE_CATEGORIES = [
  '账单与重复扣费以及发票开具问题',
  '物流',
  '产品质量',
  '电话与门店客户服务态度',
  '网站',
  '退款',
  '隐私与个人数据',
  '门店员工',
  '保修与维修故障设备及配件更换',
  '其他',
  '无障碍',
  '会员积分与优惠券',
];
const SERIES_NAMES = {
  en: ['Week of 16 Nov', 'Week of 23 Nov', 'Average of the four weeks before, for comparison with both weeks'],
  'zh-CN': ['11月16日当周', '11月23日当周', '此前四周的平均值（用于与两周对比）'],
};
const VALUES = {
  typical: (c: number, s: number) => ((c * 7 + s * 5) % 23) + s,
  zero: () => 0,
  huge: (c: number, s: number) => 987_654_321 * (1 + ((c + s) % 3)),
  hundredThousands: (c: number, s: number) => 123_457 * (1 + ((c * 3 + s) % 7)),
  fractional: (c: number, s: number) => ((c + 1) * (s + 2)) / 97,
};

/** A chart of one case: how many categories and series, which language, which values. */
export function caseSpec(lang: ChartSpec['lang'], categories: number, series: number, values: keyof typeof VALUES): ChartSpec {
  const names = lang === 'en' ? ENGLISH_CATEGORIES : CHINESE_CATEGORIES;
  return {
    title: lang === 'en' ? 'Complaints received per category and week, with the average of the weeks before' : '各类别每周收到的投诉量，以及此前数周的平均值对比',
    xLabel: lang === 'en' ? 'Complaint category (as classified at intake)' : '投诉类别（受理时分类）',
    yLabel: lang === 'en' ? 'Complaints received' : '收到的投诉数量',
    lang,
    categories: names.slice(0, categories),
    series: SERIES_NAMES[lang].slice(0, series).map((name, s) => ({
      name,
      values: Array.from({ length: categories }, (_, c) => VALUES[values](c, s)),
    })),
  };
}

/** Both languages, 1 to 12 categories, 1 to 3 series, with long names and typical, zero, huge, six-digit and fractional values. */
export const chartCases: { name: string; spec: ChartSpec }[] = (['en', 'zh-CN'] as const).flatMap((lang) =>
  Array.from({ length: 12 }, (_, c) => c + 1).flatMap((categories) =>
    [1, 2, 3].flatMap((series) =>
      (Object.keys(VALUES) as (keyof typeof VALUES)[]).map((values) => ({
        name: `${lang}, ${categories} categor${categories === 1 ? 'y' : 'ies'}, ${series} series, ${values} values`,
        spec: caseSpec(lang, categories, series, values),
      })),
    ),
  ),
);
