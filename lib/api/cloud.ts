import { parseCloudProfile, type CloudProfileInput } from '../parse/profile';
import type { BitbucketProfile } from '../parse/profile-types';
import type { WorkspaceSettings } from '../options/sources';
import type { Cancellation } from '../transport/http';
import { getJSON, type APIContext } from './authorized-get';
import { fetchEmails, type EmailsResult } from './emails';
import { fetchWorkspaces } from './workspaces';

/** Where the Cloud profile comes from. */
export interface CloudProfileSources {
  userProfileURL: string;
  /** `null` skips the emails call. */
  userEmailsURL: string | null;
  /** The user's workspaces (read, and checked against the allowed ones); `null` or absent skips the call. */
  workspaces?: WorkspaceSettings | null;
}

/**
 * Reads the Cloud user, all their emails and, when asked, their workspaces, in parallel, and parses them into a
 * profile. When one call fails (or the user is in none of the allowed workspaces) the others are cancelled through
 * `ctx.cancellation`, which this login's reads share, so no request outlives the login.
 */
export async function fetchCloudProfile(
  sources: CloudProfileSources,
  ctx: APIContext & { cancellation: Cancellation },
): Promise<BitbucketProfile> {
  const { cancellation } = ctx;
  const failures: unknown[] = [];
  const firstFailureCancels = (err: unknown): never => {
    failures.push(err);
    cancellation.cancel();
    throw err;
  };
  const userCall = getJSON(sources.userProfileURL, ctx).catch(firstFailureCancels);
  const emailsCall: Promise<EmailsResult> =
    sources.userEmailsURL === null
      ? Promise.resolve({ emails: [] })
      : fetchEmails(sources.userEmailsURL, ctx).catch(firstFailureCancels);
  // NOTE: the workspaces are read in the same round trip; a user outside the allowed ones ends the login here.
  const workspacesCall = sources.workspaces
    ? fetchWorkspaces(sources.workspaces, ctx).catch(firstFailureCancels)
    : Promise.resolve(undefined);
  const [user, emails, workspaces] = await Promise.allSettled([userCall, emailsCall, workspacesCall]);
  if (user.status === 'rejected' || emails.status === 'rejected' || workspaces.status === 'rejected') {
    throw failures[0];
  }
  const input: CloudProfileInput = { user: user.value.json, raw: user.value.raw, emails: emails.value.emails };
  if (emails.value.emailsError) input.emailsError = emails.value.emailsError;
  const profile = parseCloudProfile(input);
  return workspaces.value ? { ...profile, workspaces: workspaces.value } : profile;
}
