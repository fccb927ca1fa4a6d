import { BitbucketAPIError } from '../errors';
import { invalidResponse } from '../narrow';
import { parseCloudProfile, parseEmailsPage } from '../profile';
import type { BitbucketEmail, BitbucketEmailsError, BitbucketProfile } from '../profile-types';
import type { WorkspaceSettings } from '../options';
import { getJSON, type APIContext } from './authorized-get';
import { fetchWorkspaces } from './workspaces';

/** Every address on every emails page, or why the login goes on without them. */
export interface EmailsResult {
  emails: BitbucketEmail[];
  emailsError?: BitbucketEmailsError;
}

/**
 * Reads every page of `/2.0/user/emails`, following `next`.
 * NOTE: a consumer without the `email` scope gets 403 here; that must not fail the login,
 * so the profile goes on without emails and says why in `emailsError`.
 */
export async function fetchEmails(emailsURL: string, ctx: APIContext): Promise<EmailsResult> {
  const origin = new URL(emailsURL).origin;
  const seen = new Set<string>();
  const emails: BitbucketEmail[] = [];
  let url: string | null = emailsURL;
  while (url !== null) {
    if (seen.size >= ctx.maxEmailPages) {
      throw invalidResponse(`emails go on past the maxEmailPages limit (${ctx.maxEmailPages})`);
    }
    seen.add(url);
    let page;
    try {
      page = parseEmailsPage((await getJSON(url, ctx)).json);
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
    url = page.next === null ? null : nextPageURL(page.next, url, origin, seen);
  }
  return { emails };
}

/** Checks a `next` link: same origin as the first page (credentials never go elsewhere), never seen before. */
function nextPageURL(next: string, current: string, origin: string, seen: Set<string>): string {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw invalidResponse('emails page "next" property must be a URL');
  }
  if (url.origin !== origin) throw invalidResponse(`emails page "next" points to another origin (${url.origin})`);
  if (seen.has(url.href)) throw invalidResponse('emails page "next" points to a page already read');
  return url.href;
}

/** Where the Cloud profile comes from. */
export interface CloudProfileSources {
  userProfileURL: string;
  /** `null` skips the emails call. */
  userEmailsURL: string | null;
  /** The user's workspaces (read, and checked against the allowed ones); `null` or absent skips the call. */
  workspaces?: WorkspaceSettings | null;
}

/**
 * Reads the Cloud user and all their emails, in parallel, and parses them into a profile.
 * When one call fails the other is cancelled, so no request outlives the login.
 */
export async function fetchCloudProfile(sources: CloudProfileSources, ctx: APIContext): Promise<BitbucketProfile> {
  const cancel = new AbortController();
  const shared = { ...ctx, signal: cancel.signal };
  const failures: unknown[] = [];
  const firstFailureCancels = (err: unknown): never => {
    failures.push(err);
    cancel.abort();
    throw err;
  };
  const userCall = getJSON(sources.userProfileURL, shared).catch(firstFailureCancels);
  const emailsCall: Promise<EmailsResult> =
    sources.userEmailsURL === null
      ? Promise.resolve({ emails: [] })
      : fetchEmails(sources.userEmailsURL, shared).catch(firstFailureCancels);
  // NOTE: the workspaces are read in the same round trip; a user outside the allowed ones ends the login here.
  const workspacesCall = sources.workspaces
    ? fetchWorkspaces(sources.workspaces, shared).catch(firstFailureCancels)
    : Promise.resolve(undefined);
  const [user, emails, workspaces] = await Promise.allSettled([userCall, emailsCall, workspacesCall]);
  if (user.status === 'rejected' || emails.status === 'rejected' || workspaces.status === 'rejected') {
    throw failures[0];
  }
  const profile = parseCloudProfile({
    user: user.value.json,
    raw: user.value.raw,
    emails: emails.value.emails,
    ...(emails.value.emailsError ? { emailsError: emails.value.emailsError } : {}),
  });
  return workspaces.value ? { ...profile, workspaces: workspaces.value } : profile;
}
