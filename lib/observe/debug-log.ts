import createDebug from 'debug';

/**
 * A `debug` logger, typed by this package so that `debug`'s types stay out of the published ones.
 * Check `enabled` before building a line: with `DEBUG` unset, logging must cost nothing.
 */
export interface DebugLog {
  /** Whether `DEBUG` (or `debug.enable()`) switched this namespace on. */
  readonly enabled: boolean;
  /** Writes one line; call it as `log('%s', text)` so that a `%` in the text is not read as a format. */
  (format: string, ...args: (string | number)[]): void;
}

/** The root namespace: `DEBUG=passport-bitbucket-oauth*` shows every line of this package. */
export const DEBUG_NAMESPACE = 'passport-bitbucket-oauth';

/** Sign-ins with `BitbucketOAuth2Strategy`: redirect, callback, token requests, profile, outcome. */
export const oauth2Log: DebugLog = createDebug(`${DEBUG_NAMESPACE}:oauth2`);
/** Sign-ins with `BitbucketStrategy` (OAuth 1.0a): the same steps. */
export const oauth1Log: DebugLog = createDebug(`${DEBUG_NAMESPACE}:oauth1`);
/** Every REST call to Bitbucket: endpoint, status, duration, page. */
export const apiLog: DebugLog = createDebug(`${DEBUG_NAMESPACE}:api`);

/** The logger of a protocol. */
export function protocolLog(protocol: 'oauth2' | 'oauth1'): DebugLog {
  return protocol === 'oauth2' ? oauth2Log : oauth1Log;
}
