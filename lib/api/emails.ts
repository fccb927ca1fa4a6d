import { BitbucketAPIError } from '../errors';
import { invalidResponse } from '../parse/narrow';
import { parseEmailsPage } from '../parse/profile';
import type { BitbucketEmail, BitbucketEmailsError } from '../parse/profile-types';
import { getJSON, type APIContext } from './authorized-get';
import { parseURL } from '../transport/http';
import { nextPageURL, withoutPagelen, withPagelen } from './pages';

/** Every address on every emails page, or why the login goes on without them. */
export interface EmailsResult {
  emails: BitbucketEmail[];
  emailsError?: BitbucketEmailsError;
}

/**
 * Reads every page of `/2.0/user/emails`, 100 addresses a page, following `next`.
 * NOTE: a consumer without the `email` scope gets 403 here; that must not fail the login,
 * so the profile goes on without emails and says why in `emailsError`.
 */
export async function fetchEmails(emailsURL: string, ctx: APIContext): Promise<EmailsResult> {
  const first = withPagelen(emailsURL);
  // The first page's URL is the same at every login: parsed once (`parseURL`'s cache).
  const { origin } = parseURL(first).url;
  const seen = new Set<string>();
  const emails: BitbucketEmail[] = [];
  let url: string | null = first;
  while (url !== null) {
    if (seen.size >= ctx.maxEmailPages) {
      throw invalidResponse(`emails go on past the maxEmailPages limit (${ctx.maxEmailPages})`);
    }
    seen.add(url);
    let page;
    let read: string;
    try {
      const answer = await getPage(url, url === first && first !== emailsURL, ctx);
      read = answer.url;
      page = parseEmailsPage(answer.json);
    } catch (err) {
      if (err instanceof BitbucketAPIError && err.status === 403) {
        // The addresses of the pages already read are kept: the profile says why the rest is missing.
        return {
          emails,
          emailsError: {
            status: 403,
            message: err.bitbucketMessage ?? err.message,
            ...(err.required ? { required: err.required } : {}),
            ...(err.granted ? { granted: err.granted } : {}),
          },
        };
      }
      throw err;
    }
    emails.push(...page.emails);
    url = page.next === null ? null : nextPageURL('emails', page.next, read, origin, seen);
  }
  return { emails };
}

/**
 * One page's JSON, and the URL it was read from.
 * NOTE: page sizes "are not considered part of the API and are subject to change"; should Bitbucket ever refuse
 * the `pagelen=100` this package added with a 400, the first page is asked for once more without it.
 */
async function getPage(url: string, addedPagelen: boolean, ctx: APIContext): Promise<{ json: unknown; url: string }> {
  try {
    return { json: (await getJSON(url, ctx)).json, url };
  } catch (err) {
    if (!(addedPagelen && err instanceof BitbucketAPIError && err.status === 400)) throw err;
    const without = withoutPagelen(url);
    return { json: (await getJSON(without, ctx)).json, url: without };
  }
}
