/**
 * The one redaction of this package: blanks our own credentials (client secret, codes, tokens, signatures)
 * out of text an endpoint sent back, in every form a reader would decode at a glance.
 *
 * NOTE: some proxies and debug pages echo the request (headers or form body) in their error pages, and
 * error text reaches messages, logs, diagnostics events and pages. Matching the raw bytes only is not
 * enough: `"\u0073ecret"` is the JSON text of `secret`, and a reader (or `JSON.parse`) sees the secret.
 */

/** What a secret becomes. */
export const REDACTED = '[REDACTED]';

/** Shorter values are no secrets of ours, and would blank ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Deepest JSON nesting walked; deeper values keep their raw-text redaction only. */
const MAX_JSON_DEPTH = 64;

/**
 * Characters a reader does not see: C0 controls but tab and line breaks (NUL above all), DEL, the soft hyphen,
 * zero-width characters, bidi controls and the BOM. Interleaved with a secret's letters, they hide it from every
 * pattern and not from the eye, so they are taken out before matching.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- the control characters are what it finds
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** A regular-expression class matching one hex digit in either case. */
function hexDigits(value: number, width: number): string {
  return Array.from(value.toString(16).padStart(width, '0'))
    .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
    .join('');
}

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Named HTML references of the characters that have one in every page. */
const HTML_NAMES: Readonly<Record<string, string>> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/**
 * Every way one character can be written in an echo: as is; percent-encoded once or twice (`%25XX`), hex
 * digits in either case (a form body, a query, OAuth 1.0a's doubly encoded signature); `+` for a space (form
 * encoding); a JSON escape (`\u0073`, `\/`, `\"`, `\\`); an HTML character reference (`&#115;`, `&#x73;`, `&amp;`).
 * Each character independently, so mixed escapes match too.
 */
function characterPattern(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const bytes = [...Buffer.from(char, 'utf8')].map((b) => `%(?:25)?${hexDigits(b, 2)}`).join('');
  const units = [...Array(char.length).keys()].map((i) => `\\\\u${hexDigits(char.charCodeAt(i), 4)}`).join('');
  const forms = [
    escapeRegExp(char),
    bytes,
    units,
    `&#0*${code};`,
    `&#[xX]0*${hexDigits(code, 1)};`,
    ...(char === ' ' ? ['\\+'] : []),
    ...('/"\\'.includes(char) ? [`\\\\${escapeRegExp(char)}`] : []),
    ...(HTML_NAMES[char] ? [`&${HTML_NAMES[char]};`] : []),
  ];
  return `(?:${forms.join('|')})`;
}

/**
 * The part of a base64 text that depends on the secret alone, at each of the three byte alignments it can
 * start at (alone, or after `client_id:` in HTTP Basic credentials), in base64 and base64url.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const [skip, prefix] of [
    [0, 0],
    [2, 1],
    [3, 2],
  ] as const) {
    const encoded = Buffer.concat([Buffer.alloc(prefix), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // The last character also holds bits of whatever follows the secret, unless the bits end evenly.
    const end = ((prefix + bytes.length) * 8) % 6 === 0 ? encoded.length : encoded.length - 1;
    const core = encoded.slice(skip, end);
    if (core.length >= 6) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** One secret, in every form: character by character, and in base64 (raw, and form-encoded as in HTTP Basic). */
function secretPattern(secret: string): string {
  const formEncoded = encodeURIComponent(secret).replace(/%20/g, '+');
  const cores = new Set([...base64Cores(Buffer.from(secret, 'utf8')), ...base64Cores(Buffer.from(formEncoded))]);
  // Code point by code point: a character outside the BMP is one JSON escape pair, one HTML reference.
  const characters = Array.from(secret).map(characterPattern).join('');
  return [characters, ...[...cores].map(escapeRegExp)].join('|');
}

/** One expression matching every secret in every form, longest secret first; `null` when none is long enough. */
function secretsPattern(secrets: readonly (string | undefined)[]): RegExp | null {
  const usable = [...new Set(secrets)]
    .filter((secret): secret is string => secret !== undefined && secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return usable.length === 0 ? null : new RegExp(usable.map(secretPattern).join('|'), 'g');
}

/** Every string of a JSON value (keys too) redacted; `changed` says whether any was. */
function redactValue(value: unknown, pattern: RegExp, depth: number, state: { changed: boolean }): unknown {
  if (typeof value === 'string') {
    const visible = value.replace(INVISIBLE, '');
    const out = visible.replace(pattern, REDACTED);
    if (out !== visible) state.changed = true;
    return out;
  }
  if (depth >= MAX_JSON_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, pattern, depth + 1, state));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      redactValue(key, pattern, depth + 1, state),
      redactValue(item, pattern, depth + 1, state),
    ]),
  );
}

/**
 * The JSON text with every decoded string redacted, written out again; `null` when the text is not JSON or
 * nothing decoded held a secret. Catches what no single-layer pattern can (an escape of an escape).
 */
function redactDecodedJSON(text: string, pattern: RegExp): string | null {
  if (!/^\s*[[{"]/.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const state = { changed: false };
  const out = redactValue(value, pattern, 0, state);
  if (!state.changed) return null;
  try {
    return JSON.stringify(out);
  } catch {
    // NOTE: nesting thousands deep overflows the stack of `JSON.stringify`; the raw text's redaction then stands.
    return null;
  }
}

/**
 * Blanks each secret out of `text` in every form a reader could decode (see {@link characterPattern} and
 * {@link base64Cores}), then, when `text` is JSON, in every decoded string too. Characters nobody sees are taken
 * out first. Secrets shorter than four characters are left alone.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const pattern = secretsPattern(secrets);
  if (pattern === null) return text;
  const raw = text.replace(INVISIBLE, '').replace(pattern, REDACTED);
  return redactDecodedJSON(raw, pattern) ?? raw;
}
