import type { Request } from 'express';
import type { AuthenticateOptions, Strategy, StrategyCreatedStatic } from 'passport';
import OAuthStrategyModule = require('passport-oauth1');

/** The request token and secret between the two legs of the flow (passport-oauth1's store interface). */
export interface RequestTokenStore {
  /** Gives back the secret of `token` when this browser's sign-in asked for it; `false` (+ info) to fail the login. */
  get(req: Request, token: string, cb: (err: Error | null, tokenSecret?: string | false, info?: object) => void): void;
  /** Remembers the request token and its secret for the callback. */
  set(req: Request, token: string, tokenSecret: string, cb: (err?: Error | null) => void): void;
  /** Forgets the request token once it was traded, so it cannot be replayed. */
  destroy(req: Request, token: string, cb: (err?: Error | null) => void): void;
}

/** The part of node-oauth's `OAuth` client that passport-oauth1 calls for the two token requests. */
export interface OAuth1TokenClient {
  getOAuthRequestToken(
    params: Record<string, string | undefined>,
    callback: (err: unknown, token?: string, tokenSecret?: string, params?: Record<string, string>) => void,
  ): void;
  getOAuthAccessToken(
    token: string,
    tokenSecret: string,
    verifier: string | null,
    callback: (err: unknown, token?: string, tokenSecret?: string, params?: Record<string, string>) => void,
  ): void;
}

/** What passport-oauth1's constructor takes. */
export interface OAuthStrategyOptions {
  requestTokenURL: string;
  accessTokenURL: string;
  userAuthorizationURL: string;
  consumerKey: string;
  consumerSecret: string;
  signatureMethod?: string;
  callbackURL?: string | undefined;
  sessionKey?: string | undefined;
  store?: RequestTokenStore;
  passReqToCallback?: boolean | undefined;
  skipUserProfile?: unknown;
  proxy?: boolean | undefined;
}

/** A passport-oauth1 strategy instance, as far as this package uses it. */
export interface OAuthStrategyInstance extends Strategy, StrategyCreatedStatic {
  name: string;
  /** @internal node-oauth's client; its two token calls are replaced by this package. */
  _oauth: OAuth1TokenClient;
  authenticate(req: Request, options?: AuthenticateOptions): void;
  userProfile(
    token: string,
    tokenSecret: string,
    params: Record<string, string>,
    done: (err?: unknown, profile?: unknown) => void,
  ): void;
  parseErrorResponse(body: string, status: number): Error | null;
  /**
   * Wraps a failed token request in an error (`parseErrorResponse`'s, else an `InternalOAuthError`).
   * @internal Exported for compatibility, not documented: it may change in a minor release.
   */
  _createOAuthError(message: string, err: unknown): Error;
}

/** passport-oauth1's `Strategy` constructor. */
export type OAuthStrategyConstructor = new (
  options: OAuthStrategyOptions,
  verify: (...args: never[]) => void,
) => OAuthStrategyInstance;

/** passport-oauth1's strategy, typed by this package. */
export const OAuthStrategy = OAuthStrategyModule as OAuthStrategyConstructor;
