import { CLOUD_API_URL, type Deployment } from '../bitbucket';
import { allowedWorkspaces, type AllowedWorkspaces } from '../parse/workspaces';
import { positiveInteger, type BitbucketCommonOptions } from './common';
import { normalizeBaseURL, type OAuth2Endpoints } from './endpoints';

/**
 * Where the user is read from, once the options are resolved: the profile loader's sources
 * (`api/profile-loader.ts` adds who reads, for the traces).
 */
export interface ProfileSettings {
  deployment: Deployment;
  /** Data Center base URL (resolves relative avatars); unused on Cloud. */
  baseURL: string;
  userProfileURL: string;
  /** Cloud: emails URL, or `null` to skip. Data Center: the users resource prefix. */
  userEmailsURL: string | null;
  /** Whether the profile carries the user's addresses (`emails: false` leaves them out, on both deployments). */
  emails: boolean;
  /** Cloud: how the user's workspaces are read and checked; `null`: not read. */
  workspaces: WorkspaceSettings | null;
}

/** How the user's workspaces are read and checked, once resolved. */
export interface WorkspaceSettings {
  /** The first page's URL. */
  url: string;
  /** `null`: read the list, let everybody in. */
  allowed: AllowedWorkspaces | null;
  maxPages: number;
}

/**
 * Cloud: the list under a configured `userProfileURL` (`…/2.0/user` → `…/2.0/user/emails`), or `undefined`.
 * NOTE: a proxy or a test server given as `userProfileURL` alone must also serve the user's emails and workspaces:
 * the default `api.bitbucket.org` URLs would carry the access token to a host the app never named. passport-bitbucket
 * derived its emails URL from the profile URL the same way.
 */
function besideProfile(userProfileURL: string | undefined, list: 'emails' | 'workspaces'): string | undefined {
  if (userProfileURL === undefined) return undefined;
  const url = new URL(userProfileURL);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${list}`;
  url.search = '';
  url.hash = '';
  return url.href;
}

/**
 * Checks the workspace options: `null` when the list is not read at all.
 * NOTE: skipping the profile would skip the gate too, so the two cannot be combined.
 */
export function resolveWorkspaceOptions(
  options: BitbucketCommonOptions & { skipUserProfile?: unknown },
  deployment: Deployment,
): WorkspaceSettings | null {
  const { workspaces, readWorkspaces, userWorkspacesURL } = options;
  const wanted = workspaces !== undefined || readWorkspaces === true || userWorkspacesURL !== undefined;
  if (wanted && deployment === 'datacenter') {
    const name = workspaces !== undefined ? 'workspaces' : readWorkspaces ? 'readWorkspaces' : 'userWorkspacesURL';
    throw new TypeError(
      `${name} is a Bitbucket Cloud feature: Data Center (baseURL ${JSON.stringify(options.baseURL)}) has projects and groups instead, which this strategy does not read`,
    );
  }
  const allowed = workspaces === undefined ? null : allowedWorkspaces(workspaces);
  if (allowed && readWorkspaces === false) {
    throw new TypeError('readWorkspaces cannot be false with workspaces set: the sign-in check reads the list');
  }
  if (allowed === null && readWorkspaces !== true) return null;
  if (options.skipUserProfile !== undefined && options.skipUserProfile !== false) {
    throw new TypeError(
      `skipUserProfile must be false (or absent) with ${allowed ? 'workspaces' : 'readWorkspaces'}, which are read with the profile`,
    );
  }
  // Checked with every URL option by the https rule of options/validate.ts.
  const url =
    userWorkspacesURL ?? besideProfile(options.userProfileURL, 'workspaces') ?? `${CLOUD_API_URL}/2.0/user/workspaces`;
  return { url, allowed, maxPages: positiveInteger('maxWorkspacePages', options.maxWorkspacePages, 10) };
}

/**
 * The deployment's default profile sources, each overridable, and no emails with `emails: false` (Cloud: no emails
 * call; Data Center reads the address with the user itself, and leaves it out of the profile).
 */
export function resolveProfileSettings(
  options: BitbucketCommonOptions & { skipUserProfile?: unknown },
  defaults: Pick<OAuth2Endpoints, 'deployment' | 'userProfileURL' | 'userEmailsURL'>,
): ProfileSettings {
  const datacenter = defaults.deployment === 'datacenter';
  return {
    deployment: defaults.deployment,
    baseURL: datacenter ? normalizeBaseURL(options.baseURL ?? '') : '',
    userProfileURL: options.userProfileURL ?? defaults.userProfileURL,
    userEmailsURL:
      !datacenter && options.emails === false
        ? null
        : (options.userEmailsURL ??
          (datacenter ? undefined : besideProfile(options.userProfileURL, 'emails')) ??
          defaults.userEmailsURL),
    emails: options.emails !== false,
    workspaces: resolveWorkspaceOptions(options, defaults.deployment),
  };
}
