/**
 * Passport set-up for both protocols. One Passport instance per app (not the global one), so tests
 * can run several apps side by side.
 */
import passport from 'passport';
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketOAuth2VerifyFunctionWithParams,
  type BitbucketVerifyFunctionWithParams,
} from 'passport-bitbucket-oauth';
import type { AppConfig } from './config';
import { isSignedInUser, toSignedInUser } from './user';

/** Strategy names and the routes that start each flow; the callback is `${path}/callback`. */
export const FLOWS = {
  oauth2: { strategy: 'bitbucket-oauth2', path: '/auth/bitbucket' },
  oauth1: { strategy: 'bitbucket', path: '/auth/bitbucket-oauth1' },
} as const;

/** A Passport instance of its own (the type of `new passport.Passport()`). */
export type PassportInstance = InstanceType<typeof passport.Passport>;

/**
 * OAuth 2.0 sign-in. Five parameters: the library then passes the token answer (`params`) with the
 * granted scopes and lifetime. The tokens themselves are dropped: this app only signs people in.
 */
const verifyOAuth2: BitbucketOAuth2VerifyFunctionWithParams = (_accessToken, _refreshToken, params, profile, done) => {
  const scopes = params.scope ? params.scope.split(' ') : [];
  done(null, toSignedInUser(profile, 'OAuth 2.0', { scopes, expiresInSeconds: seconds(params.expires_in) }));
};

/** OAuth 1.0a sign-in. NOTE: its token answers name no scopes; Data Center may send `oauth_expires_in`. */
const verifyOAuth1: BitbucketVerifyFunctionWithParams = (_token, _tokenSecret, params, profile, done) => {
  done(
    null,
    toSignedInUser(profile, 'OAuth 1.0a', { scopes: null, expiresInSeconds: seconds(params.oauth_expires_in) }),
  );
};

/** A whole number of seconds, or `null`: OAuth 1.0a answers carry strings, if anything. */
function seconds(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Cloud: the user's workspaces are read for the signed-in page, and with `BITBUCKET_WORKSPACES` only their
 * members sign in. Data Center has no workspaces.
 */
function workspaceOptions(config: AppConfig, baseURL: string | undefined): object {
  if (config.workspaces) return { workspaces: config.workspaces };
  return baseURL === undefined ? { readWorkspaces: true } : {};
}

/** A Passport with the configured Bitbucket strategies and session (de)serialization. */
export function createPassport(config: AppConfig): PassportInstance {
  const instance = new passport.Passport();

  if (config.oauth2) {
    instance.use(
      new BitbucketOAuth2Strategy(
        {
          ...config.oauth2,
          ...workspaceOptions(config, config.oauth2.baseURL),
          callbackURL: `${config.publicURL}${FLOWS.oauth2.path}/callback`,
        },
        verifyOAuth2,
      ),
    );
  }

  if (config.oauth1) {
    instance.use(
      new BitbucketStrategy(
        {
          ...config.oauth1,
          ...workspaceOptions(config, config.oauth1.baseURL),
          callbackURL: `${config.publicURL}${FLOWS.oauth1.path}/callback`,
        },
        verifyOAuth1,
      ),
    );
  }

  // The whole (small, token-free) user lives in the session, so no database is needed.
  instance.serializeUser((user, done) => {
    done(null, user);
  });
  // A session from an older version of the app (or a tampered store) reads as signed out.
  instance.deserializeUser((stored: unknown, done) => {
    done(null, isSignedInUser(stored) ? stored : false);
  });
  return instance;
}
