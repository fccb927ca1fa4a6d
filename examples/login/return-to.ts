/**
 * Where to send the user after sign-in. `/auth/bitbucket?returnTo=/repos` is honoured; anything that
 * could leave this site is dropped, so the sign-in link cannot be turned into an open redirect.
 */

/** Longest path kept; a real in-app path is far shorter, and the value lives in the session. */
const MAX_LENGTH = 1024;

/** A base that no real request has, to see where a browser would resolve the path to. */
const PROBE_ORIGIN = 'http://return-to.invalid';

/**
 * The value when it is a path on this site, else `null`.
 *
 * Accepted: starts with exactly one `/`. Rejected: `//evil` and `/\evil` (browsers read both as
 * another host), any backslash, control characters (browsers drop tabs and newlines, so `/\t/evil`
 * would become `//evil`), schemes (`https://evil`, `javascript:`), and non-strings (`?returnTo=a&returnTo=b`).
 */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  // Belt and braces: the path must still resolve to this site the way a browser reads it.
  let resolved: URL;
  try {
    resolved = new URL(value, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (resolved.origin !== PROBE_ORIGIN) return null;
  // The sign-in and sign-out routes themselves: `returnTo=/auth/bitbucket` would send the user back to Bitbucket
  // after every sign-in. Checked on the path as the browser will resolve it (`/x/../auth`, `%2e%2e`), and without
  // case, as Express routes match.
  if (/^\/(auth|login|logout)(?:\/|$)/i.test(resolved.pathname)) return null;
  return value;
}
