import type { IncomingMessage } from 'node:http';
import type { MockEndpoint, MockRequestRecord } from '../types';

/**
 * How much of each request body the log keeps (65,536 characters: 64 KiB of ASCII). The mock reads
 * bodies up to 1 MiB; keeping them all would let a long test run hold 1 MiB per request until `close()`.
 */
export const MAX_LOGGED_BODY_CHARS = 64 * 1024;

/** Most requests the log keeps; the oldest go first. */
export const MAX_LOGGED_REQUESTS = 10_000;

/** Most body characters the whole log keeps (4 MiB of ASCII); the oldest entries go first. */
export const MAX_LOGGED_CHARS = 4 * 1024 * 1024;

/**
 * A flat copy of a string.
 * NOTE: V8 may make `body.slice(0, n)` a view of `body` (a sliced string), which keeps the whole 1 MiB alive.
 */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Adds a name/value as an OWN plain property: `__proto__` and `constructor` are names like any other. */
function addValue(out: Record<string, string | string[]>, name: string, value: string): void {
  const seen = Object.hasOwn(out, name) ? out[name] : undefined;
  const next = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
}

/** Query parameters as a record; repeated names become arrays. */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) addValue(out, name, value);
  return out;
}

/** Headers as received, lower-case names; repeated names become arrays. */
export function headerRecord(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) addValue(out, String(raw[i]).toLowerCase(), String(raw[i + 1]));
  return out;
}

/** The log entry of one request, its body cut to {@link MAX_LOGGED_BODY_CHARS}. */
export function requestRecord(
  req: IncomingMessage,
  url: URL,
  body: string,
  endpoint: MockEndpoint | undefined,
): MockRequestRecord {
  const cut = body.length > MAX_LOGGED_BODY_CHARS;
  return {
    method: String(req.method),
    path: url.pathname,
    query: queryRecord(url.searchParams),
    headers: headerRecord(req.rawHeaders),
    body: cut ? copyOf(body.slice(0, MAX_LOGGED_BODY_CHARS)) : body,
    ...(cut ? { bodyTruncated: true as const } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * Appends one record, then drops the oldest while the log holds more than {@link MAX_LOGGED_REQUESTS} entries
 * or {@link MAX_LOGGED_CHARS} body characters: the mock runs inside test processes and the example app.
 */
export function appendToLog(log: MockRequestRecord[], record: MockRequestRecord): void {
  log.push(record);
  // Counted again each time: tests may empty or edit `mock.requests`, the public array.
  let chars = log.reduce((sum, entry) => sum + entry.body.length, 0);
  let drop = 0;
  while (log.length - drop > MAX_LOGGED_REQUESTS || (chars > MAX_LOGGED_CHARS && drop < log.length - 1)) {
    chars -= log[drop]?.body.length ?? 0;
    drop += 1;
  }
  if (drop > 0) log.splice(0, drop);
}
