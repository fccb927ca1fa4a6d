/**
 * The secrets a login handled, read from what went over the wire (the mock's request log, the redirects and
 * the answers the process received), and a deep scanner that looks for them in any value.
 */
import type { MockRequestRecord } from 'passport-bitbucket-oauth/testing';

/** A secret, and what it is (so that a hit names the kind). */
export type Secrets = Map<string, string>;

/** Shorter values are no secrets of the mock's (its tokens are 18 to 32 random bytes). */
const MIN_LENGTH = 8;

/** The fields that carry a secret, by where they travel. */
const FIELDS = {
  /** What the strategies send: token-request forms, and the authorize and OAuth 1.0a header parameters. */
  sent: new Set([
    'code',
    'code_verifier',
    'code_challenge',
    'state',
    'refresh_token',
    'client_secret',
    'oauth_token',
    'oauth_verifier',
    'oauth_signature',
  ]),
  /** What Bitbucket sends the browser back with. */
  redirect: new Set(['code', 'state', 'oauth_token', 'oauth_verifier']),
  /**
   * What the token endpoints answer. NOTE: a token response's `state` is the grant's name
   * ("authorization_code"), no secret.
   */
  json: new Set(['access_token', 'refresh_token']),
  form: new Set(['oauth_token', 'oauth_token_secret']),
} as const;

function add(secrets: Secrets, kind: string, value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
  secrets.set(value, kind);
  try {
    const decoded = decodeURIComponent(value);
    if (decoded !== value) secrets.set(decoded, kind);
  } catch {
    // not percent-encoded: the raw value is enough
  }
}

/** Every secret field of a form body, a query string or a JSON object. */
function addFields(
  secrets: Secrets,
  source: string,
  fields: Iterable<[string, unknown]>,
  names: ReadonlySet<string>,
): void {
  for (const [name, value] of fields) if (names.has(name)) add(secrets, `${name} (${source})`, value);
}

/** The secrets in an Authorization header: Basic credentials, a Bearer token, OAuth 1.0a's token, verifier and signature. */
function addAuthorization(secrets: Secrets, header: unknown): void {
  if (typeof header !== 'string') return;
  const basic = /^Basic\s+(\S+)/i.exec(header)?.[1];
  if (basic !== undefined) {
    add(secrets, 'Basic credentials', basic);
    add(secrets, 'client secret (Basic)', Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':'));
  }
  add(secrets, 'bearer token', /^Bearer\s+(\S+)/i.exec(header)?.[1]);
  for (const [, name = '', value] of header.matchAll(/\b(oauth_\w+)="([^"]*)"/g)) {
    addFields(secrets, 'OAuth header', [[name, value]], FIELDS.sent);
  }
}

/** The secrets in the mock's request log: credentials sent to it and the grants it was asked to redeem. */
export function secretsFromRequests(secrets: Secrets, records: readonly MockRequestRecord[]): void {
  for (const record of records) {
    addAuthorization(secrets, record.headers.authorization);
    addFields(secrets, `${record.path} body`, new URLSearchParams(record.body), FIELDS.sent);
    addFields(secrets, `${record.path} query`, Object.entries(record.query), FIELDS.sent);
  }
}

/** The secrets in a redirect's Location (codes, states, request tokens, verifiers). */
export function secretsFromLocation(secrets: Secrets, location: unknown): void {
  if (typeof location !== 'string') return;
  try {
    addFields(secrets, 'redirect', new URL(location, 'http://x').searchParams, FIELDS.redirect);
  } catch {
    // not a URL: nothing to read
  }
}

/** The secrets in an answer's body: JSON token responses and OAuth 1.0a's form-encoded token pairs. */
export function secretsFromBody(secrets: Secrets, body: string): void {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === 'object' && json !== null) addFields(secrets, 'JSON answer', Object.entries(json), FIELDS.json);
    return;
  } catch {
    // not JSON: maybe a form
  }
  if (/^[\w.~%+-]+=[^<>\s]*(&|$)/.test(body)) addFields(secrets, 'form answer', new URLSearchParams(body), FIELDS.form);
}

/** Adds one known secret (a client secret, a key, a token the verify callback received). */
export function addSecret(secrets: Secrets, kind: string, value: unknown): void {
  add(secrets, kind, value);
}

/** Every string reachable from a value: object keys and values, array items, an error's message, stack, fields and cause. */
export function textsIn(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const texts: string[] = [];
  if (value instanceof Error) texts.push(String(value), value.message, String(value.stack));
  for (const key of Object.getOwnPropertyNames(value)) {
    texts.push(key);
    texts.push(...textsIn((value as Record<string, unknown>)[key], seen));
  }
  if (value instanceof Error && 'cause' in value) texts.push(...textsIn(value.cause, seen));
  return texts;
}

/** The secrets found in the texts, as `kind in text #n after "…"` (never the secret itself, even in a failure). */
export function hits(texts: readonly string[], secrets: Secrets): string[] {
  // One haystack searched once per needle: texts × secrets `includes` calls would take minutes.
  const starts: number[] = [];
  let length = 0;
  for (const text of texts) {
    starts.push(length);
    length += text.length + 1;
  }
  const haystack = texts.join('\u0000');
  const found = new Set<string>();
  for (const [secret, kind] of secrets) {
    for (const needle of new Set([secret, encodeURIComponent(secret)])) {
      for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
        let n = starts.length - 1;
        while (n > 0 && (starts[n] ?? 0) > at) n -= 1;
        const before = haystack.slice(Math.max(starts[n] ?? 0, at - 60), at);
        found.add(`${kind} in text #${n} after ${JSON.stringify(before)}`);
      }
    }
  }
  return [...found];
}
