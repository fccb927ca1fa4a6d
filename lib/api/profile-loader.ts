import type { Authorizer } from './authorized-get';
import { fetchCloudProfile } from './cloud';
import { fetchDataCenterProfile } from './datacenter';
import { preconnect, warmUpTargets, type WarmUpTarget } from '../transport/connections';
import type { Deployment } from '../bitbucket';
import { normalizeBaseURL, type OAuth2Endpoints } from '../options/endpoints';
import type { TraceTarget } from '../observe/channels';
import {
  resolveWorkspaceOptions,
  type BitbucketCommonOptions,
  type ResolvedLimits,
  type WorkspaceSettings,
} from '../options/common';
import type { BitbucketProfile } from '../parse/profile-types';

/** Where a strategy reads the user from, once its options are resolved. */
export interface ProfileSources {
  deployment: Deployment;
  /** Data Center base URL (resolves relative avatars); unused on Cloud. */
  baseURL: string;
  userProfileURL: string;
  /** Cloud: emails URL, or `null` to skip. Data Center: the users resource prefix. */
  userEmailsURL: string | null;
  /** Cloud: how the user's workspaces are read and checked; `null` or absent: not read. */
  workspaces?: WorkspaceSettings | null;
  /** Who reads, for the `passport-bitbucket-oauth:api` channel and the debug log. */
  trace: TraceTarget;
}

/** Reads the signed-in user's profile with the given credentials. */
export interface ProfileLoader {
  (authorize: Authorizer): Promise<BitbucketProfile>;
  /**
   * Opens in the background the connections the token call to `tokenURL` and this read will need
   * (unless `preconnect` is off); returns at once and never fails.
   */
  preconnect(tokenURL: string): void;
}

/**
 * One way to read the profile for both strategies: they differ only in how a request is signed
 * (Bearer for OAuth 2.0, an OAuth 1.0a signature otherwise).
 */
export function createProfileLoader(sources: ProfileSources, limits: ResolvedLimits): ProfileLoader {
  // The callback's calls: the token, then the profile's (Cloud: in parallel; Data Center: whoami, then the user).
  const profileCalls =
    sources.deployment === 'datacenter'
      ? [[sources.userProfileURL], [sources.userEmailsURL ?? sources.baseURL]]
      : [
          [sources.userProfileURL, sources.userEmailsURL, sources.workspaces?.url ?? null].filter(
            (url): url is string => url !== null,
          ),
        ];
  // The token URL is the strategy's own, the same at every login: the plan is worked out once.
  let plan: { tokenURL: string; targets: WarmUpTarget[] } | undefined;
  return Object.assign(profileReader(sources, limits), {
    preconnect: (tokenURL: string): void => {
      if (!limits.preconnect) return;
      if (plan?.tokenURL !== tokenURL) plan = { tokenURL, targets: warmUpTargets([[tokenURL], ...profileCalls]) };
      preconnect(plan.targets, limits.agent, limits.timeoutMs);
    },
  });
}

/** The profile read itself, by deployment. */
function profileReader(
  sources: ProfileSources,
  limits: ResolvedLimits,
): (authorize: Authorizer) => Promise<BitbucketProfile> {
  if (sources.deployment === 'datacenter') {
    const usersURL = sources.userEmailsURL ?? `${sources.baseURL}/rest/api/latest/users/`;
    return (authorize) =>
      fetchDataCenterProfile(
        { baseURL: sources.baseURL, whoamiURL: sources.userProfileURL, usersURL },
        { ...limits, authorize, trace: sources.trace },
      );
  }
  return (authorize) =>
    fetchCloudProfile(
      {
        userProfileURL: sources.userProfileURL,
        userEmailsURL: sources.userEmailsURL,
        workspaces: sources.workspaces ?? null,
      },
      { ...limits, authorize, trace: sources.trace },
    );
}

/**
 * The profile loader a strategy's options ask for: the deployment's default sources, each overridable,
 * and no emails call with `emails: false` (Cloud; Data Center reads the address from the user itself).
 */
export function profileLoaderFor(
  options: BitbucketCommonOptions & { skipUserProfile?: unknown },
  defaults: Pick<OAuth2Endpoints, 'deployment' | 'userProfileURL' | 'userEmailsURL'>,
  limits: ResolvedLimits,
  trace: TraceTarget,
): ProfileLoader {
  const datacenter = defaults.deployment === 'datacenter';
  return createProfileLoader(
    {
      deployment: defaults.deployment,
      baseURL: datacenter ? normalizeBaseURL(options.baseURL ?? '') : '',
      userProfileURL: options.userProfileURL ?? defaults.userProfileURL,
      userEmailsURL: !datacenter && options.emails === false ? null : (options.userEmailsURL ?? defaults.userEmailsURL),
      workspaces: resolveWorkspaceOptions(options, defaults.deployment),
      trace,
    },
    limits,
  );
}

/**
 * Hands a promise's outcome to a Node-style callback outside the promise chain, so that an
 * exception thrown by the callback is not swallowed as an unhandled rejection of ours.
 */
export function settle<T>(promise: Promise<T>, done: (err: unknown, value?: T) => void): void {
  promise.then(
    (value) => process.nextTick(done, null, value),
    (err: unknown) => process.nextTick(done, err),
  );
}
