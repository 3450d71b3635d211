/**
 * The console's one rendering primitive: an auto-escaping `html` tagged template. Interpolated
 * values are escaped unless they are themselves `Html` (built by this template); arrays are joined.
 * Nothing else in the console writes markup from strings, so no value can slip in unescaped.
 */
import { escapeHtml } from '../escape.ts';

/** Markup produced by the `html` template (already safe to insert). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Builds markup; every interpolation is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup the code itself made (SVG built from numbers, the stylesheet); never pass user text here. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
