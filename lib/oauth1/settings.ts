import { httpLimits, resolveLimits, resolvePendingLoginLimits } from '../options/common';
import { oauth1Endpoints, type OAuth1Endpoints } from '../options/endpoints';
import { resolveProfileSettings, type ProfileSettings } from '../options/sources';
import { defaultSessionKey, PendingLogins } from '../sign-in/pending-logins';
import type { OAuthStrategyOptions, RequestTokenStore } from './base';
import { SessionRequestTokenStore } from './request-token-store';
import type { OAuth1Client } from './token-requests';
import type { BitbucketOAuth1BaseOptions } from './types';

/** What the OAuth 1.0a strategy is built from, once its options are checked (`options/validate.ts`) and resolved. */
export interface OAuth1Settings {
  name: string;
  defaults: OAuth1Endpoints;
  /** passport-oauth1's own constructor options. */
  passport: OAuthStrategyOptions;
  /** The signed token requests' client (this package's, not node-oauth's). */
  client: OAuth1Client;
  profile: ProfileSettings;
  limits: ReturnType<typeof resolveLimits>;
  /** This browser's pending sign-ins; `null` with a user-supplied `store`. */
  pending: PendingLogins | null;
}

/** Fills the defaults of checked OAuth 1.0a options: every endpoint, limit, store and client the strategy needs. */
export function resolveOAuth1Settings(
  options: Readonly<BitbucketOAuth1BaseOptions & { passReqToCallback?: boolean }>,
): OAuth1Settings {
  const defaults = oauth1Endpoints(options.baseURL);
  const { deployment } = defaults;
  // Used exactly as given: OAuth 1.0a signs the URL as sent.
  const userAuthorizationURL = options.userAuthorizationURL ?? defaults.userAuthorizationURL;
  const name = options.name ?? 'bitbucket';
  const userStore = options.store ?? options.requestTokenStore;
  const pending = userStore
    ? null
    : new PendingLogins(
        options.sessionKey ?? defaultSessionKey(name, deployment, userAuthorizationURL, options.consumerKey),
        resolvePendingLoginLimits(options),
      );
  const credentials = {
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret ?? '',
    signatureMethod: options.signatureMethod ?? (options.privateKey ? 'RSA-SHA1' : 'HMAC-SHA1'),
    ...(options.privateKey ? { privateKey: options.privateKey } : {}),
  } as const;
  const limits = resolveLimits(options);
  return {
    name,
    defaults,
    passport: {
      requestTokenURL: options.requestTokenURL ?? defaults.requestTokenURL,
      accessTokenURL: options.accessTokenURL ?? defaults.accessTokenURL,
      userAuthorizationURL,
      consumerKey: credentials.consumerKey,
      consumerSecret: credentials.consumerSecret,
      // NOTE: checked absolute: without it Bitbucket falls back to out-of-band and strands the user on a page with a code.
      callbackURL: options.callbackURL,
      sessionKey: pending?.key,
      // NOTE: its `set` takes six parameters (to receive the app's state), which the public interface does not show.
      store: userStore ?? (new SessionRequestTokenStore(pending as PendingLogins) as unknown as RequestTokenStore),
      passReqToCallback: options.passReqToCallback,
      skipUserProfile: options.skipUserProfile,
      proxy: options.proxy,
    },
    client: {
      credentials,
      ...httpLimits(limits),
      trace: { strategy: name, deployment },
    },
    profile: resolveProfileSettings(options, defaults),
    limits,
    pending,
  };
}
