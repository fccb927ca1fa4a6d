import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from './http';

/** Options both strategies share. */
export interface BitbucketCommonOptions {
  /**
   * Base URL of a self-hosted Bitbucket Data Center (e.g. `https://bitbucket.example.com`).
   * Leave it out for Bitbucket Cloud.
   */
  baseURL?: string;
  /** Cloud: the `/2.0/user` URL. Data Center: the `whoami` servlet URL. */
  userProfileURL?: string;
  /** Cloud: the `/2.0/user/emails` URL. */
  userEmailsURL?: string;
  /** Read the user's emails (Cloud). Default `true`; `false` skips the call and `profile.emails` is empty. */
  emails?: boolean;
  /** Time limit for each call to Bitbucket, in milliseconds. Default 10000. */
  timeout?: number;
  /** Largest response body read from Bitbucket, in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Most pages of emails read. Default 10. */
  maxEmailPages?: number;
  /** The strategy's name for `passport.authenticate(name)`. */
  name?: string;
  /** Session key under which the flow's state is kept. */
  sessionKey?: string;
  /** Trust `X-Forwarded-*` when building a relative `callbackURL` (behind a proxy). */
  proxy?: boolean;
}

/** Resolved limits, checked once at construction. */
export interface ResolvedLimits {
  timeoutMs: number;
  maxBytes: number;
  maxEmailPages: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Checks the limit options, filling defaults. */
export function resolveLimits(options: BitbucketCommonOptions): ResolvedLimits {
  return {
    timeoutMs: positiveInteger('timeout', options.timeout, DEFAULT_TIMEOUT_MS),
    maxBytes: positiveInteger('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    maxEmailPages: positiveInteger('maxEmailPages', options.maxEmailPages, 10),
  };
}

/** Requires a non-empty string option. */
export function requireOption(strategy: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${strategy} requires a ${name} option`);
  return value;
}
