import {
  checkProfileURLs,
  oauth1Endpoints,
  requireAbsoluteCallbackURL,
  requireSecureURL,
  type OAuth1Endpoints,
} from '../options/endpoints';
import { requireOption, resolvePendingLoginLimits } from '../options/common';
import { defaultSessionKey, PendingLogins } from '../sign-in/pending-logins';
import type { RequestTokenStore } from './base';
import { SessionRequestTokenStore } from './request-token-store';
import type { ConsumerCredentials } from './signature';
import type { BitbucketOAuth1BaseOptions } from './types';

/** What the OAuth 1.0a strategy runs with, once its options are checked. */
export interface OAuth1Settings {
  defaults: OAuth1Endpoints;
  credentials: ConsumerCredentials;
  requestTokenURL: string;
  accessTokenURL: string;
  userAuthorizationURL: string;
  callbackURL: string;
  name: string;
  /** The request-token store handed to passport-oauth1: ours, or the user's. */
  store: RequestTokenStore;
  /** This browser's pending sign-ins; `null` with a user-supplied `store`. */
  pending: PendingLogins | null;
}

/** Checks the OAuth 1.0a options (a `TypeError` naming the option for each mistake) and fills the defaults. */
export function resolveOAuth1Settings(options: BitbucketOAuth1BaseOptions): OAuth1Settings {
  const consumerKey = requireOption('BitbucketStrategy', 'consumerKey', options.consumerKey);
  const signatureMethod = options.signatureMethod ?? (options.privateKey ? 'RSA-SHA1' : 'HMAC-SHA1');
  if (signatureMethod === 'RSA-SHA1') requireOption('BitbucketStrategy', 'privateKey', options.privateKey);
  else requireOption('BitbucketStrategy', 'consumerSecret', options.consumerSecret);
  const defaults = oauth1Endpoints(options.baseURL);
  // Checked, then used exactly as given: OAuth 1.0a signs the URL as sent.
  const url = (name: 'requestTokenURL' | 'accessTokenURL' | 'userAuthorizationURL'): string => {
    const value = options[name] ?? defaults[name];
    requireSecureURL(name, value);
    return value;
  };
  const userAuthorizationURL = url('userAuthorizationURL');
  checkProfileURLs(options);
  const name = options.name ?? 'bitbucket';
  const pending = options.store
    ? null
    : new PendingLogins(
        options.sessionKey ?? defaultSessionKey(name, defaults.deployment, userAuthorizationURL),
        resolvePendingLoginLimits(options),
      );
  return {
    defaults,
    credentials: {
      consumerKey,
      consumerSecret: options.consumerSecret ?? '',
      signatureMethod,
      ...(options.privateKey ? { privateKey: options.privateKey } : {}),
    },
    requestTokenURL: url('requestTokenURL'),
    accessTokenURL: url('accessTokenURL'),
    userAuthorizationURL,
    // NOTE: without a callback Bitbucket falls back to out-of-band and strands the user on a page with a code.
    callbackURL: requireAbsoluteCallbackURL(options.callbackURL),
    name,
    // NOTE: its `set` takes six parameters (to receive the app's state), which the public interface does not show.
    store: options.store ?? (new SessionRequestTokenStore(pending as PendingLogins) as unknown as RequestTokenStore),
    pending,
  };
}
