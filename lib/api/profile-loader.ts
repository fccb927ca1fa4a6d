import type { APIContext, Authorizer } from './authorized-get';
import { Cancellation } from '../transport/http';
import { fetchCloudProfile } from './cloud';
import { fetchDataCenterProfile } from './datacenter';
import { preconnect, warmUpTargets, type WarmUpTarget } from '../transport/preconnect';
import type { TraceTarget } from '../observe/channels';
import type { ResolvedLimits } from '../options/common';
import type { ProfileSettings } from '../options/sources';
import type { BitbucketProfile } from '../parse/profile-types';
import { warmUpCallbackCode } from '../parse/warm-up';

/** Where a strategy reads the user from, and who reads (for the `passport-bitbucket-oauth:api` channel and the debug log). */
export interface ProfileSources extends ProfileSettings {
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
  warmUpCallbackCode(sources.deployment);
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
      preconnect(plan.targets, limits.agent, limits.timeoutMs, limits.proxyFromEnv);
    },
  });
}

/** The profile read itself, by deployment. */
function profileReader(
  sources: ProfileSources,
  limits: ResolvedLimits,
): (authorize: Authorizer) => Promise<BitbucketProfile> {
  // Written out rather than spread from `limits`: one object of one shape per login.
  const context = <C extends Cancellation | undefined>(
    authorize: Authorizer,
    cancellation: C,
  ): APIContext & { cancellation: C } => ({
    timeoutMs: limits.timeoutMs,
    maxBytes: limits.maxBytes,
    agent: limits.agent,
    proxyFromEnv: limits.proxyFromEnv,
    maxEmailPages: limits.maxEmailPages,
    authorize,
    cancellation,
    trace: sources.trace,
  });
  if (sources.deployment === 'datacenter') {
    const dataCenter = {
      baseURL: sources.baseURL,
      whoamiURL: sources.userProfileURL,
      usersURL: sources.userEmailsURL ?? `${sources.baseURL}/rest/api/latest/users/`,
      emails: sources.emails,
    };
    return (authorize) => fetchDataCenterProfile(dataCenter, context(authorize, undefined));
  }
  const cloud = {
    userProfileURL: sources.userProfileURL,
    userEmailsURL: sources.userEmailsURL,
    workspaces: sources.workspaces ?? null,
  };
  // The Cloud reads run in parallel: one failing cancels the others.
  return (authorize) => fetchCloudProfile(cloud, context(authorize, new Cancellation()));
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
