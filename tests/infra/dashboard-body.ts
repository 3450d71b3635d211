import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

/** A widget of the dashboard body, as CloudWatch reads it. */
export interface Widget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly properties: {
    title?: string;
    markdown?: string;
    metrics?: unknown[][];
    alarms?: string[];
    annotations?: { horizontal?: Array<{ value: number }> };
  };
}

/** A metric a graph shows: namespace, name and dimensions; a `{Ref}` or `{Fn::GetAtt}` value reads `<LogicalId>`. */
export interface ShownMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly widget: string;
}

/** The one dashboard's body as JSON, with each CloudFormation reference written `<LogicalId>` where it stands. */
export function dashboardBody(template: Template): { widgets: Widget[] } {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = (dashboards[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  const parts = typeof body === 'string' ? [body] : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const ref = p as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (ref.Ref) return `<${ref.Ref}>`;
      if (ref['Fn::GetAtt']) return `<${ref['Fn::GetAtt'][0]}>`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(p)}`);
    })
    .join('');
  return JSON.parse(text) as { widgets: Widget[] };
}

/** Every metric the graphs show (math expressions are skipped; the metrics they use are listed beside them). */
export function shownMetrics(widgets: readonly Widget[]): ShownMetric[] {
  return widgets.flatMap((w) =>
    (w.properties.metrics ?? []).flatMap((row) => {
      const plain = row.filter((cell): cell is string => typeof cell === 'string');
      if (plain.length < 2) return [];
      const [namespace, name, ...dims] = plain;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < dims.length; i += 2) dimensions[dims[i]!] = dims[i + 1]!;
      return [{ namespace: namespace!, name: name!, dimensions, widget: w.properties.title ?? '' }];
    }),
  );
}

/** Splits `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The widgets' grid as an SVG picture (24 columns, each widget a box with its title and what it
 * draws), for the README: no screenshot of a deployed dashboard is needed to see the layout.
 */
export function layoutSvg(widgets: readonly Widget[]): string {
  const col = 40;
  const row = 28;
  const height = Math.max(...widgets.map((w) => w.y + w.height)) * row;
  const boxes = widgets.map((w) => {
    const [x, y, wd, ht] = [w.x * col, w.y * row, w.width * col, w.height * row];
    const title = w.type === 'text' ? 'Header: what this is, where the runbook is' : (w.properties.title ?? w.type);
    const lines = (w.properties.metrics ?? []).filter((m) => m.some((c) => typeof c === 'string')).length;
    const detail = w.type === 'alarm' ? `${w.properties.alarms?.length ?? 0} alarms` : w.type === 'metric' ? `${lines} metric${lines === 1 ? '' : 's'}` : '';
    const fill = w.type === 'alarm' ? '#fdecea' : w.type === 'text' ? '#f4f4f4' : '#eaf2fb';
    const titleLines = wrap(title, Math.floor((wd - 20) / 8));
    return [
      `<rect x="${x + 3}" y="${y + 3}" width="${wd - 6}" height="${ht - 6}" rx="4" fill="${fill}" stroke="#6b7c93"/>`,
      ...titleLines.map((line, i) => `<text x="${x + 10}" y="${y + 22 + i * 17}" font-size="13" font-weight="bold">${escapeXml(line)}</text>`),
      detail ? `<text x="${x + 10}" y="${y + 22 + titleLines.length * 17}" font-size="12" fill="#444">${escapeXml(detail)}</text>` : '',
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${24 * col}" height="${height}" viewBox="0 0 ${24 * col} ${height}" font-family="Arial, Helvetica, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...boxes,
    '</svg>',
    '',
  ].join('\n');
}
