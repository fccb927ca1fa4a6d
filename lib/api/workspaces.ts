import { getJSON, type APIContext } from './authorized-get';
import { parseURL } from '../transport/http';
import { nextPageURL, withoutPagelen, withPagelen } from './pages';
import { BitbucketAPIError } from '../errors';
import { invalidResponse } from '../parse/narrow';
import type { WorkspaceSettings } from '../options/sources';
import type { BitbucketWorkspace } from '../parse/profile-types';
import { WorkspaceAccessDenied } from '../errors';
import { isAllowedWorkspace, parseWorkspacesPage } from '../parse/workspaces';

/**
 * Reads every page of `/2.0/user/workspaces` (CHANGE-3022) with `pagelen=100`, following `next` on the first
 * page's origin only, and checks the list against the allowed workspaces when there are some.
 *
 * Fails closed: any answer that does not establish the membership is a `BitbucketAPIError` (5xx, 401/403,
 * 410, bad JSON, a timeout, too many pages before a match), and a user in none of the allowed workspaces is
 * a {@link WorkspaceAccessDenied}. When the page cap is reached after a match, the pages read are returned.
 */
export async function fetchWorkspaces(settings: WorkspaceSettings, ctx: APIContext): Promise<BitbucketWorkspace[]> {
  const first = withPagelen(settings.url);
  // The first page's URL is the same at every login: parsed once (`parseURL`'s cache).
  const { origin } = parseURL(first).url;
  const seen = new Set<string>();
  const workspaces: BitbucketWorkspace[] = [];
  const { allowed } = settings;
  let matched = false;
  let url: string | null = first;
  while (url !== null) {
    if (seen.size >= settings.maxPages) {
      if (matched) break;
      throw invalidResponse(
        `workspaces go on past the maxWorkspacePages limit (${settings.maxPages})` +
          (allowed ? ' before an allowed workspace was found' : ''),
      );
    }
    seen.add(url);
    const answer = await getWorkspacesJSON(url, url === first && url !== settings.url, ctx);
    const page = parseWorkspacesPage(answer.json);
    workspaces.push(...page.workspaces);
    matched ||= allowed !== null && page.workspaces.some((w) => isAllowedWorkspace(allowed, w));
    url = page.next === null ? null : nextPageURL('workspaces', page.next, answer.url, origin, seen);
  }
  if (allowed !== null && !matched) throw new WorkspaceAccessDenied();
  return workspaces;
}

/**
 * One page, and the URL it was read from; its error made to say what the workspaces need.
 * NOTE: page sizes "are not considered part of the API"; should Bitbucket ever refuse `pagelen=100` with 400,
 * the first page is asked for once more without it (Bitbucket's default page size) and `next` does the rest.
 */
async function getWorkspacesJSON(
  url: string,
  addedPagelen: boolean,
  ctx: APIContext,
): Promise<{ json: unknown; url: string }> {
  try {
    return { json: (await getJSON(url, ctx)).json, url };
  } catch (err) {
    if (addedPagelen && err instanceof BitbucketAPIError && err.status === 400) {
      return getWorkspacesJSON(withoutPagelen(url), false, ctx);
    }
    throw explained(err);
  }
}

/** Adds what a 403 or a 410 means for the workspaces to Bitbucket's own message. */
function explained(err: unknown): unknown {
  if (!(err instanceof BitbucketAPIError)) return err;
  let hint: string | undefined;
  if (err.status === 410) {
    // NOTE: CHANGE-2770 (2026) removed /2.0/workspaces, /2.0/user/permissions/workspaces and the cross-workspace
    // /2.0/repositories; they answer 410. The list of a user's workspaces moved to /2.0/user/workspaces.
    hint =
      "Bitbucket removed this endpoint (CHANGE-2770); the user's workspaces are read from /2.0/user/workspaces (userWorkspacesURL)";
  } else if (err.status === 403) {
    const required = err.required?.join(', ') ?? 'account';
    const granted = err.granted ? `; the token has: ${err.granted.join(', ') || 'none'}` : '';
    hint = `reading the user's workspaces needs the "${required}" scope (consumer permission Account: Read)${granted}`;
  }
  if (hint === undefined) return err;
  return new BitbucketAPIError(`${err.message} (${hint})`, {
    code: err.code,
    status: err.status,
    ...(err.url !== undefined ? { url: err.url } : {}),
    bitbucketMessage: err.bitbucketMessage,
    required: err.required,
    granted: err.granted,
    retryAfter: err.retryAfter,
    cause: err,
  });
}
