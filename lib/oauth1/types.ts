import type { Request } from 'express';
import type { BitbucketCommonOptions } from '../options/common';
import type { BitbucketProfile } from '../parse/profile-types';
import type { VerifyCallback } from '../oauth2/types';
import type { RequestTokenStore } from './base';
import type { SignatureMethod } from './signature';

/** Options of {@link BitbucketStrategy}, whatever `passReqToCallback` is. */
export interface BitbucketOAuth1BaseOptions extends BitbucketCommonOptions {
  /** The consumer's Key (Cloud) or the application link's consumer key (Data Center). */
  consumerKey: string;
  /** The consumer's Secret (HMAC-SHA1). Not needed with `privateKey`. */
  consumerSecret?: string;
  /** Data Center application links sign with RSA-SHA1: the consumer's PEM private key. */
  privateKey?: string;
  /** Default `RSA-SHA1` with `privateKey`, else `HMAC-SHA1`. Cloud does not support RSA-SHA1. */
  signatureMethod?: SignatureMethod;
  /** Where Bitbucket sends the user back: required, absolute (without it Bitbucket shows the user a code to copy). */
  callbackURL: string;
  /** Override the request token endpoint. */
  requestTokenURL?: string;
  /** Override the user authorization page. */
  userAuthorizationURL?: string;
  /** Override the access token endpoint. */
  accessTokenURL?: string;
  /** Where the request token waits between the two legs. Default: the session, checked against the callback. */
  store?: RequestTokenStore;
  /** passport-oauth1's other name for `store` (give one of the two). */
  requestTokenStore?: RequestTokenStore;
  /**
   * Skip reading the profile: `true`, or `(token, tokenSecret, done) => done(null, skip)`. NOTE: the verify
   * callback then receives `undefined` as `profile` (its type says `BitbucketProfile`, so do not read it when skipping).
   */
  skipUserProfile?:
    boolean | ((token: string, tokenSecret: string, done: (err: Error | null, skip?: boolean) => void) => void);
}

/** Options without `passReqToCallback`. */
export interface BitbucketStrategyOptions extends BitbucketOAuth1BaseOptions {
  passReqToCallback?: false;
}

/** Options with `passReqToCallback: true`: the verify function receives `req` first. */
export interface BitbucketStrategyOptionsWithRequest extends BitbucketOAuth1BaseOptions {
  /**
   * Literally `true`. NOTE: an object built beforehand (`const o = { ...options, passReqToCallback: true }`)
   * has `boolean` here, and TypeScript then says "Type 'boolean' is not assignable to type 'true'": write
   * `passReqToCallback: true as const`, or build it with `satisfies BitbucketStrategyOptionsWithRequest`.
   */
  passReqToCallback: true;
}

/** `(token, tokenSecret, profile, done)` */
export type BitbucketVerifyFunction = (
  token: string,
  tokenSecret: string,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(token, tokenSecret, params, profile, done)`: `params` holds the access token answer's other fields.
 *
 * NOTE: TypeScript infers the parameters of an inline verify only for the 4-argument form (and the
 * 5-argument form with `passReqToCallback: true`): overload resolution fixes an inline function's
 * parameters from the first overload whose options fit, before it counts them, so no overload design can
 * tell the forms apart (each was tried). Inline, this form gives "TS7006: Parameter 'params' implicitly has
 * an 'any' type". Type this form (and the 6-argument one)
 * explicitly: `const verify: BitbucketVerifyFunctionWithParams = (token, tokenSecret, params, profile, done) => …`.
 */
export type BitbucketVerifyFunctionWithParams = (
  token: string,
  tokenSecret: string,
  params: Record<string, string>,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(req, token, tokenSecret, profile, done)`, with `passReqToCallback: true`. NOTE: a verify without `req`
 * there gets "'BitbucketProfile' has no call signatures" (its `done` receives the profile): add `req` first.
 */
export type BitbucketVerifyFunctionWithRequest = (
  req: Request,
  token: string,
  tokenSecret: string,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;

/**
 * `(req, token, tokenSecret, params, profile, done)`. NOTE: type it explicitly, as
 * {@link BitbucketVerifyFunctionWithParams} explains: TypeScript cannot infer it inline.
 */
export type BitbucketVerifyFunctionWithRequestAndParams = (
  req: Request,
  token: string,
  tokenSecret: string,
  params: Record<string, string>,
  profile: BitbucketProfile,
  done: VerifyCallback,
) => void;
