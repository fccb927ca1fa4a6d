import type { StateStore } from 'passport-oauth2';
import {
  checkProfileURLs,
  oauth2Endpoints,
  requireAbsoluteCallbackURL,
  requireSecureURL,
  type OAuth2Endpoints,
} from '../options/endpoints';
import { requireOption, resolvePendingLoginLimits } from '../options/common';
import { defaultSessionKey, PendingLogins } from '../sign-in/pending-logins';
import { PendingLoginStateStore } from './state-store';
import type { BitbucketOAuth2BaseOptions, ClientAuthentication } from './types';

/** What the OAuth 2.0 strategy runs with, once its options are checked. */
export interface OAuth2Settings {
  defaults: OAuth2Endpoints;
  clientID: string;
  clientSecret: string;
  authorizationURL: string;
  tokenURL: string;
  callbackURL: string | undefined;
  scope: string | string[] | undefined;
  pkce: 'S256' | 'plain' | false;
  clientAuthentication: ClientAuthentication;
  name: string;
  /** The state store handed to passport-oauth2: ours, the user's, or none (`state: false`). */
  store: StateStore | undefined;
  /** This browser's pending sign-ins; `null` with a user-supplied `store` or `state: false`. */
  pending: PendingLogins | null;
}

let plainWarned = false;

/**
 * PKCE: S256 by default on Data Center, which supports it; off by default on Cloud, which does not
 * document it (`pkce: true` opts in). Without a state store there is nowhere to keep the verifier.
 */
function resolvePkce(option: unknown, datacenter: boolean, stateless: boolean): OAuth2Settings['pkce'] {
  if (option !== undefined && ![true, false, 'S256', 'plain'].includes(option as string)) {
    throw new TypeError(`pkce must be true, false, 'S256' or 'plain', got ${JSON.stringify(option)}`);
  }
  const pkce = option === undefined ? (datacenter && !stateless ? 'S256' : false) : option === true ? 'S256' : option;
  if (pkce !== false && stateless) {
    throw new TypeError('pkce needs state: the code verifier is kept with the pending sign-in; remove state: false');
  }
  if (pkce === 'plain' && !plainWarned) {
    plainWarned = true;
    process.emitWarning(
      "pkce: 'plain' sends the code verifier itself as the challenge: anyone who sees the authorization URL can redeem a stolen code. Use pkce: 'S256'.",
      { code: 'PASSPORT_BITBUCKET_PKCE_PLAIN' },
    );
  }
  return pkce as OAuth2Settings['pkce'];
}

/** Checks the OAuth 2.0 options (a `TypeError` naming the option for each mistake) and fills the defaults. */
export function resolveOAuth2Settings(options: BitbucketOAuth2BaseOptions): OAuth2Settings {
  const clientID = requireOption('BitbucketOAuth2Strategy', 'clientID', options.clientID);
  const clientSecret = requireOption('BitbucketOAuth2Strategy', 'clientSecret', options.clientSecret);
  const defaults = oauth2Endpoints(options.baseURL);
  const datacenter = defaults.deployment === 'datacenter';
  const authorizationURL = options.authorizationURL ?? defaults.authorizationURL;
  const tokenURL = options.tokenURL ?? defaults.tokenURL;
  requireSecureURL('authorizationURL', authorizationURL);
  requireSecureURL('tokenURL', tokenURL);
  checkProfileURLs(options);
  // NOTE: optional: without it Bitbucket sends the user to the consumer's registered callback URL.
  const callbackURL = options.callbackURL === undefined ? undefined : requireAbsoluteCallbackURL(options.callbackURL);
  if (options.clientAuthentication !== undefined && !['basic', 'body'].includes(options.clientAuthentication)) {
    throw new TypeError(
      `clientAuthentication must be 'basic' or 'body', got ${JSON.stringify(options.clientAuthentication)}`,
    );
  }
  const userStore = typeof options.store === 'object' ? options.store : undefined;
  const stateless = userStore === undefined && options.store !== true && options.state === false;
  const pkce = resolvePkce(options.pkce, datacenter, stateless);
  const name = options.name ?? 'bitbucket-oauth2';
  const pending =
    userStore || stateless
      ? null
      : new PendingLogins(
          options.sessionKey ?? defaultSessionKey(name, defaults.deployment, authorizationURL),
          resolvePendingLoginLimits(options),
        );
  return {
    defaults,
    clientID,
    clientSecret,
    authorizationURL,
    tokenURL,
    callbackURL,
    // NOTE: Data Center honours `scope` and needs one; Cloud ignores it (consumer checkboxes decide).
    scope: options.scope ?? (datacenter ? 'PUBLIC_REPOS' : undefined),
    pkce,
    clientAuthentication: options.clientAuthentication ?? (datacenter ? 'body' : 'basic'),
    name,
    store: userStore ?? (pending ? (new PendingLoginStateStore(pending) as unknown as StateStore) : undefined),
    pending,
  };
}
