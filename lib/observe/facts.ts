import { excerpt } from '../errors';
import { isObject } from '../parse/narrow';

/** A URL without its query string and fragment: where credentials may travel, they never reach a log. */
export function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** The page a paginated URL asks for: Bitbucket Cloud's `page` parameter (its `next` links carry it); 1 otherwise. */
export function pageOf(url: string): number {
  return Number(new URL(url).searchParams.get('page') ?? 1);
}

/** What a log line and an outcome say about an error: its class, code, status and one-line message. */
export interface ErrorFacts {
  name: string;
  code: string | null;
  status: number | null;
  message: string;
}

/** A field of an object (an error is one), if any. */
function field(source: unknown, name: string): unknown {
  return isObject(source) ? source[name] : undefined;
}

function stringField(source: unknown, name: string): string | null {
  const value = field(source, name);
  return typeof value === 'string' ? excerpt(value, 64) : null;
}

function numberField(source: unknown, name: string): number | null {
  const value = field(source, name);
  return typeof value === 'number' ? value : null;
}

/**
 * Reads an error the way this package's errors are built: `TokenError` (code, status), `BitbucketAPIError`
 * (code, status), `InternalOAuthError` (the cause in `oauthError`: a transport code or an HTTP `statusCode`).
 * NOTE: messages are safe to log: this package never puts a credential in one (redacted at the source).
 */
export function errorFacts(err: unknown): ErrorFacts {
  const inner = field(err, 'oauthError');
  return {
    name: err instanceof Error ? err.name : `${typeof err} (not an Error)`,
    code: stringField(err, 'code') ?? stringField(inner, 'code'),
    status:
      numberField(err, 'statusCode') ??
      numberField(inner, 'statusCode') ??
      numberField(inner, 'status') ??
      numberField(err, 'status'),
    message: err instanceof Error ? excerpt(err.message, 160) : '',
  };
}

/** `err.name code status: message`, for a log line. */
export function describeError(facts: ErrorFacts): string {
  const code = facts.code === null ? '' : ` ${facts.code}`;
  const status = facts.status === null ? '' : ` (HTTP ${facts.status})`;
  const message = facts.message === '' ? '' : `: ${facts.message}`;
  return `${facts.name}${code}${status}${message}`;
}

/** Milliseconds since `start` (a `performance.now()`), rounded to 0.1 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
