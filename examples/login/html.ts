/**
 * A tiny HTML builder that escapes by default: every value put into an `html` template is escaped
 * unless it is itself the result of `html` (or `trusted`). Pages never concatenate raw strings,
 * so a hostile display name or error message cannot become markup.
 */

/** Markup that is already safe to send. Only `html` and `trusted` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may appear inside an `html` template; `null`, `undefined` and `false` render nothing. */
export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes `userText`. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks a constant written in this code base (CSS, an SVG icon) as markup. Never pass it user data. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * An absolute http(s) URL, or `null`. NOTE: escaping alone does not make a URL safe in `href`/`src`:
 * `javascript:` survives it, so URLs from Bitbucket go through this first.
 */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
