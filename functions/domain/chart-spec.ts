/**
 * What a chart shows, independent of how it is drawn: a grouped bar chart with one group per
 * category and one bar per series in each group. `functions/domain/chart-svg.ts` lays it out and
 * `functions/adapters/chart-png.ts` turns it into a PNG for email.
 */
export interface ChartSpec {
  /** Shown above the chart (wrapped to two lines, then cut with an ellipsis). */
  title: string;
  /**
   * Title of the category axis. The bars are drawn horizontally (names need the room), so it runs
   * up the left edge, beside the category names.
   */
  xLabel: string;
  /** Title of the value axis, under its ticks at the bottom. */
  yLabel: string;
  /** One group of bars per category, left to right. */
  categories: string[];
  /** One bar per series in every group (at most three); `values[i]` belongs to `categories[i]`. */
  series: { name: string; values: number[] }[];
  /** Language of the texts: sets the number format and the SVG's `xml:lang`. */
  lang: 'en' | 'zh-CN';
}
