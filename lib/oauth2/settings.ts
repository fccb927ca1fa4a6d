import type OAuth2Strategy = require('passport-oauth2');
import type { StateStore } from 'passport-oauth2';
import { httpLimits, resolveLimits, resolvePendingLoginLimits } from '../options/common';
import { oauth2Endpoints, type OAuth2Endpoints } from '../options/endpoints';
import { resolveProfileSettings, type ProfileSettings } from '../options/sources';
import { defaultSessionKey, PendingLogins } from '../sign-in/pending-logins';
import { PendingLoginStateStore } from './state-store';
import type { TokenClient } from './token-client';
import type { BitbucketOAuth2BaseOptions } from './types';

/** What the OAuth 2.0 strategy is built from, once its options are checked (`options/validate.ts`) and resolved. */
export interface OAuth2Settings {
  name: string;
  defaults: OAuth2Endpoints;
  /** passport-oauth2's own constructor options. */
  passport: OAuth2Strategy.StrategyOptions;
  /** The code exchange and refresh client (this package's, not node-oauth's). */
  tokenClient: TokenClient;
  profile: ProfileSettings;
  limits: ReturnType<typeof resolveLimits>;
  /** This browser's pending sign-ins; `null` with a user-supplied `store` or `state: false`. */
  pending: PendingLogins | null;
}

let plainWarned = false;

/**
 * PKCE: S256 by default on Data Center, which supports it; off by default on Cloud, which does not
 * document it (`pkce: true` opts in). Without a state store there is nowhere to keep the verifier.
 */
function resolvePkce(option: BitbucketOAuth2BaseOptions['pkce'], datacenter: boolean, stateless: boolean) {
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
  return pkce;
}

/** Fills the defaults of checked OAuth 2.0 options: every endpoint, limit, store and client the strategy needs. */
export function resolveOAuth2Settings(
  options: Readonly<BitbucketOAuth2BaseOptions & { passReqToCallback?: boolean }>,
): OAuth2Settings {
  const defaults = oauth2Endpoints(options.baseURL);
  const { deployment } = defaults;
  const datacenter = deployment === 'datacenter';
  const authorizationURL = options.authorizationURL ?? defaults.authorizationURL;
  const tokenURL = options.tokenURL ?? defaults.tokenURL;
  const userStore = typeof options.store === 'object' ? options.store : undefined;
  const stateless = userStore === undefined && options.store !== true && options.state === false;
  const name = options.name ?? 'bitbucket-oauth2';
  const pending =
    userStore || stateless
      ? null
      : new PendingLogins(
          options.sessionKey ?? defaultSessionKey(name, deployment, authorizationURL, options.clientID),
          resolvePendingLoginLimits(options),
        );
  const store = userStore ?? (pending ? (new PendingLoginStateStore(pending) as unknown as StateStore) : undefined);
  const limits = resolveLimits(options);
  return {
    name,
    defaults,
    passport: {
      authorizationURL,
      tokenURL,
      clientID: options.clientID,
      clientSecret: options.clientSecret,
      // NOTE: optional: without it Bitbucket sends the user to the consumer's registered callback URL.
      callbackURL: options.callbackURL,
      // NOTE: Data Center honours `scope` and needs one; Cloud ignores it (consumer checkboxes decide).
      scope: options.scope ?? (datacenter ? 'PUBLIC_REPOS' : undefined),
      scopeSeparator: options.scopeSeparator,
      store,
      state: store === undefined ? false : undefined,
      pkce: resolvePkce(options.pkce, datacenter, stateless) as boolean,
      proxy: options.proxy,
      skipUserProfile: options.skipUserProfile,
      passReqToCallback: options.passReqToCallback as false | undefined,
    },
    tokenClient: {
      tokenURL,
      clientID: options.clientID,
      clientSecret: options.clientSecret,
      clientAuthentication: options.clientAuthentication ?? (datacenter ? 'body' : 'basic'),
      ...httpLimits(limits),
      trace: { strategy: name, deployment },
    },
    profile: resolveProfileSettings(options, defaults),
    limits,
    pending,
  };
}
