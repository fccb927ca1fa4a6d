import { invalidResponse, isObject, optionalString, requireObject } from './narrow';
import type { BitbucketEmail } from './profile-types';

/**
 * One parsed page of `/2.0/user/emails`.
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export interface EmailsPage {
  emails: BitbucketEmail[];
  /** The next page's URL, or `null` on the last page. */
  next: string | null;
}

/**
 * Orders emails so that `emails[0]` is a verified address whenever the user has one: the verified
 * primary, then other verified addresses, then unverified ones (an unverified primary first among
 * those). Stable; repeats of an address are dropped.
 *
 * NOTE: Bitbucket lets a user make an address primary before confirming it; an app that links accounts
 * by `emails[0]` must never get an address nobody proved.
 *
 * @example
 * ```ts
 * orderEmails([{ value: 'b@x.io', primary: false, verified: true }, { value: 'a@x.io', primary: true, verified: false }])[0]?.value;
 * // 'b@x.io'
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function orderEmails(emails: readonly BitbucketEmail[]): BitbucketEmail[] {
  const rank = (e: BitbucketEmail): number => (e.verified ? 0 : 2) + (e.primary ? 0 : 1);
  const seen = new Set<string>();
  return [...emails]
    .sort((a, b) => rank(a) - rank(b))
    .filter((e) => {
      const key = e.value.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * Parses one page of Bitbucket Cloud's `GET /2.0/user/emails`.
 * Entries without an address are skipped; a page whose `values` is not a list is an error.
 *
 * @example
 * ```ts
 * const { emails, next } = parseEmailsPage(JSON.parse(body));
 * if (next !== null) {
 *   // fetch the next page (same origin only)
 * }
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function parseEmailsPage(json: unknown): EmailsPage {
  const page = requireObject(json, 'emails page');
  if (!Array.isArray(page.values)) throw invalidResponse('emails page "values" property must be an array');
  if (page.next !== undefined && page.next !== null && typeof page.next !== 'string') {
    throw invalidResponse('emails page "next" property must be a string');
  }
  const emails: BitbucketEmail[] = [];
  for (const entry of page.values) {
    if (!isObject(entry)) continue;
    const value = optionalString(entry.email);
    // NOTE: Bitbucket marks addresses with is_primary / is_confirmed; anything but `true` counts as no.
    if (value !== undefined)
      emails.push({ value, primary: entry.is_primary === true, verified: entry.is_confirmed === true });
  }
  return { emails, next: optionalString(page.next) ?? null };
}
