import { Agent as HttpAgent } from 'node:http';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, proxyFromEnv, type HttpLimits } from '../transport/http';
import { DEFAULT_PENDING_LOGIN_LIMITS, type PendingLoginLimits } from '../sign-in/pending-logins';

/** Options both strategies share. */
export interface BitbucketCommonOptions {
  /**
   * Base URL of a self-hosted Bitbucket Data Center (e.g. `https://bitbucket.example.com`).
   * Leave it out for Bitbucket Cloud.
   */
  baseURL?: string;
  /** Cloud: the `/2.0/user` URL. Data Center: the `whoami` servlet URL (`<baseURL>/plugins/servlet/applinks/whoami`). */
  userProfileURL?: string;
  /**
   * Cloud: the `/2.0/user/emails` URL (default `<userProfileURL>/emails`). Data Center: the users resource, ending in
   * `/` (default `<baseURL>/rest/api/latest/users/`).
   */
  userEmailsURL?: string;
  /**
   * Read the user's emails. Default `true`; `false`: `profile.emails` is empty (Cloud skips the emails call; Data
   * Center sends the address with the user, and it is left out).
   */
  emails?: boolean;
  /** Time limit for each call to Bitbucket, in milliseconds. Default 10000. */
  timeout?: number;
  /** Largest response body read from Bitbucket, in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Most pages of emails read. Default 10. */
  maxEmailPages?: number;
  /**
   * Cloud: only users with access to at least one of these workspaces may sign in; the others end at
   * `failureRedirect` (status 403). Each entry is a slug (`'acme'`, any case) or a workspace uuid in braces.
   * Sets `profile.workspaces`. Not available on Data Center.
   */
  workspaces?: readonly string[];
  /** Cloud: read the user's workspaces into `profile.workspaces` without restricting sign-in. Default `false`. */
  readWorkspaces?: boolean;
  /** Cloud: the `/2.0/user/workspaces` URL. */
  userWorkspacesURL?: string;
  /** Most pages of workspaces (100 each) read. Default 10. */
  maxWorkspacePages?: number;
  /** The strategy's name for `passport.authenticate(name)`. */
  name?: string;
  /**
   * Session key under which the pending sign-ins are kept. Default: per strategy instance,
   * `{name}:{deployment}:{authorization host}:{client ID or consumer key}`
   * (e.g. `bitbucket-oauth2:cloud:bitbucket.org:Nf3xRs7q`), so two consumers never read each other's.
   */
  sessionKey?: string;
  /**
   * Most sign-ins one browser may have pending at once (tabs, repeated clicks). Default 8. Past it, the older
   * half stays until used or expired and the oldest of the newer half is dropped, so a burst of starts by a
   * hostile page cannot push out a sign-in already in progress.
   */
  maxPendingLogins?: number;
  /** How long a started sign-in may take, in milliseconds. Default 600000 (10 minutes). */
  pendingLoginMaxAge?: number;
  /** No effect: `callbackURL` must be absolute, so nothing is built from `X-Forwarded-*`. Accepted for compatibility. */
  proxy?: boolean;
  /**
   * Your own `http.Agent` / `https.Agent` for every call to Bitbucket, e.g. `new HttpsProxyAgent(proxyURL)`
   * (package `https-proxy-agent`) behind a corporate proxy. Default: one keep-alive agent per origin, shared by
   * the strategies of the process, whose idle connections last 65 s.
   */
  agent?: HttpAgent;
  /**
   * Open the connections the callback will need (TCP + TLS, no request) while the user is on Bitbucket's
   * consent page, never more than the agent would open itself (its `maxSockets` and `maxTotalSockets`).
   * Default `true`, or `false` with your own `agent`.
   */
  preconnect?: boolean;
}

/** Resolved limits, checked once at construction. */
export interface ResolvedLimits {
  timeoutMs: number;
  maxBytes: number;
  maxEmailPages: number;
  /** The caller's agent; `undefined`: the shared keep-alive agents. */
  agent?: HttpAgent | undefined;
  preconnect: boolean;
  /** Calls go through the environment's proxy (`NODE_USE_ENV_PROXY=1` when the strategy was built, no `agent`). */
  proxyFromEnv: boolean;
}

export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** `agent` and `preconnect` (checked by options/validate.ts): no warm-up through a caller's agent unless asked for. */
function connectionOptions(
  options: BitbucketCommonOptions,
): Pick<ResolvedLimits, 'agent' | 'preconnect' | 'proxyFromEnv'> {
  const { agent, preconnect } = options;
  return { agent, preconnect: preconnect ?? agent === undefined, proxyFromEnv: agent === undefined && proxyFromEnv() };
}

/** Checks the limit options, filling defaults. */
export function resolveLimits(options: BitbucketCommonOptions): ResolvedLimits {
  return {
    timeoutMs: positiveInteger('timeout', options.timeout, DEFAULT_TIMEOUT_MS),
    maxBytes: positiveInteger('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    maxEmailPages: positiveInteger('maxEmailPages', options.maxEmailPages, 10),
    ...connectionOptions(options),
  };
}

/** Checks the pending-login options, filling defaults. */
export function resolvePendingLoginLimits(options: BitbucketCommonOptions): PendingLoginLimits {
  return {
    max: positiveInteger('maxPendingLogins', options.maxPendingLogins, DEFAULT_PENDING_LOGIN_LIMITS.max),
    maxAgeMs: positiveInteger('pendingLoginMaxAge', options.pendingLoginMaxAge, DEFAULT_PENDING_LOGIN_LIMITS.maxAgeMs),
  };
}

/** What every call of a strategy to Bitbucket runs with (its token client's and its profile reads'). */
export function httpLimits(limits: ResolvedLimits): HttpLimits {
  return {
    timeoutMs: limits.timeoutMs,
    maxBytes: limits.maxBytes,
    agent: limits.agent,
    proxyFromEnv: limits.proxyFromEnv,
  };
}
