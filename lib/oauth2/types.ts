import type { Request } from 'express';
import type { StateStore } from 'passport-oauth2';
import type { BitbucketCommonOptions } from '../options/common';
import type { BitbucketProfile } from '../parse/profile-types';
import type { BitbucketTokenParams } from '../parse/token-response';

/** How the client proves who it is to the token endpoint. */
export type ClientAuthentication = 'basic' | 'body';

/** The `done` callback of a verify function, as Passport defines it. */
export type VerifyCallback = (err?: unknown, user?: Express.User | false, info?: object) => void;

/** Options of {@link BitbucketOAuth2Strategy}, whatever `passReqToCallback` is. */
export interface BitbucketOAuth2BaseOptions extends BitbucketCommonOptions {
  /** The consumer's Key (Cloud) or client id (Data Center). */
  clientID: string;
  /** The consumer's Secret. */
  clientSecret: string;
  /** Where Bitbucket sends the user back; must start with the consumer's callback URL. */
  callbackURL?: string;
  /** Override the authorize endpoint. */
  authorizationURL?: string;
  /** Override the token endpoint. */
  tokenURL?: string;
  /**
   * Scopes to ask for. NOTE: Bitbucket Cloud ignores this and grants the consumer's checkboxes;
   * Data Center honours it (default `PUBLIC_REPOS`, enough to read the user).
   */
  scope?: string | string[];
  /** Separator when `scope` is a list. Default `' '`. */
  scopeSeparator?: string;
  /**
   * CSRF protection with a random `state` kept in the session. Default `true`;
   * `false` is unsafe and only for apps that protect the callback another way.
   */
  state?: boolean;
  /**
   * A custom state store (passport-oauth2's interface). `true` or `false`: this package's own pending-login store,
   * the default (`true` keeps it even with `state: false`).
   */
  store?: StateStore | boolean;
  /** PKCE: `true` or `'S256'` (recommended), `'plain'`. Data Center supports it; Cloud does not document it. */
  pkce?: boolean | 'S256' | 'plain';
  /** How the client authenticates to the token endpoint. Default `basic` (Cloud), `body` (Data Center). */
  clientAuthentication?: ClientAuthentication;
  /**
   * Skip reading the profile: `true`, or a function deciding per login
   * (`(accessToken, done) => done(null, skip)`). NOTE: the verify callback then receives `undefined`
   * as `profile` (its type says `BitbucketProfile`, so do not read it when skipping).
   */
  skipUserProfile?: boolean | ((accessToken: string, done: (err: Error | null, skip?: boolean) => void) => void);
}

/** Options without `passReqToCallback`: the verify function does not receive `req`. */
export interface BitbucketOAuth2StrategyOptions extends BitbucketOAuth2BaseOptions {
  passReqToCallback?: false;
}

/** Options with `passReqToCallback: true`: the verify function receives `req` first. */
export interface BitbucketOAuth2StrategyOptionsWithRequest extends BitbucketOAuth2BaseOptions {
  /**
   * Literally `true`. NOTE: an object built beforehand (`const o = { ...options, passReqToCallback: true }`)
   * has `boolean` here, and TypeScript then says "Type 'boolean' is not assignable to type 'true'": write
   * `passReqToCallback: true as const`, or build it with `satisfies BitbucketOAuth2StrategyOptionsWithRequest`.
   */
  passReqToCallback: true;
}

/** `(accessToken, refreshToken, profile, done)` */
export type BitbucketOAuth2VerifyFunction = (
  accessToken: string,
  refreshToken: string | undefined,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(accessToken, refreshToken, params, profile, done)`: `params` holds the granted `scope` and `expires_in`.
 *
 * NOTE: TypeScript infers the parameters of an inline verify only for the 4-argument form (and the
 * 5-argument form with `passReqToCallback: true`): overload resolution fixes an inline function's
 * parameters from the first overload whose options fit, before it counts them, so no overload design can
 * tell the forms apart (each was tried). Inline, this form gives "TS7006: Parameter 'params' implicitly has
 * an 'any' type". Type this form (and the 6-argument one)
 * explicitly: `const verify: BitbucketOAuth2VerifyFunctionWithParams = (accessToken, refreshToken, params, profile, done) => …`.
 */
export type BitbucketOAuth2VerifyFunctionWithParams = (
  accessToken: string,
  refreshToken: string | undefined,
  params: BitbucketTokenParams,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(req, accessToken, refreshToken, profile, done)`, with `passReqToCallback: true`. NOTE: a verify without `req`
 * there gets "'BitbucketProfile' has no call signatures" (its `done` receives the profile): add `req` first.
 */
export type BitbucketOAuth2VerifyFunctionWithRequest = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(req, accessToken, refreshToken, params, profile, done)`. NOTE: type it explicitly, as
 * {@link BitbucketOAuth2VerifyFunctionWithParams} explains: TypeScript cannot infer it inline.
 */
export type BitbucketOAuth2VerifyFunctionWithRequestAndParams = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  params: BitbucketTokenParams,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/** What {@link BitbucketOAuth2Strategy.refresh} resolves to. */
export interface RefreshedTokens {
  accessToken: string;
  /**
   * The refresh token to store from now on. NOTE: Bitbucket rotates refresh tokens: the one you
   * sent is dead once this resolves, so always replace it with this one.
   */
  refreshToken: string;
  /** Seconds until the access token expires, when Bitbucket said. */
  expiresIn: number | undefined;
  /** Granted scopes. */
  scopes: string[];
  /** The whole token response but the refresh token. */
  params: BitbucketTokenParams;
}
