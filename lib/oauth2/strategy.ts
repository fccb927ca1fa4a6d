import type { Request } from 'express';
import type { AuthenticateOptions } from 'passport';
// NOTE: `import … = require` keeps the published .d.ts valid for consumers without esModuleInterop.
import OAuth2Strategy = require('passport-oauth2');
import { callbackParam, malformedCallbackParam } from '../sign-in/callback';
import { finishCallback } from './callback-leg';
import type { Deployment } from '../bitbucket';
import { perRequestCallbackProblem } from '../options/endpoints';
import type { PendingLogins } from '../sign-in/pending-logins';
import { createProfileLoader, settle, type ProfileLoader } from '../api/profile-loader';
import { refreshTokens } from './refresh';
import { warmUpOAuth2Callback } from './warm-up';
import { observeLogin } from '../observe/login';
import type { BitbucketProfile } from '../parse/profile-types';
import { gateProfile } from '../sign-in/carry';
import { endWithProviderError, watchCallback } from '../sign-in/outcome';
import { checkOAuth2Options } from '../options/validate';
import { resolveOAuth2Settings } from './settings';
import { classifyTokenError, codeExchange, parseTokenErrorBody, toOAuthError, type TokenClient } from './token-client';
import type {
  BitbucketOAuth2StrategyOptions,
  BitbucketOAuth2StrategyOptionsWithRequest,
  BitbucketOAuth2VerifyFunction,
  BitbucketOAuth2VerifyFunctionWithParams,
  BitbucketOAuth2VerifyFunctionWithRequest,
  BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  RefreshedTokens,
} from './types';

/** The callback parameters this strategy reads; each must appear at most once. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'] as const;

/**
 * Sign in with Bitbucket over OAuth 2.0 (Cloud, or Data Center with `baseURL`). Strategy name `bitbucket-oauth2`.
 *
 * @example
 * ```ts
 * passport.use(new BitbucketOAuth2Strategy(
 *   { clientID: process.env.BITBUCKET_CLIENT_ID!, clientSecret: process.env.BITBUCKET_CLIENT_SECRET!,
 *     callbackURL: 'https://app.example.com/auth/bitbucket/callback' },
 *   (accessToken, refreshToken, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
 * ));
 * app.get('/auth/bitbucket', passport.authenticate('bitbucket-oauth2'));
 * ```
 */
export class BitbucketOAuth2Strategy extends OAuth2Strategy {
  /** Cloud or Data Center. */
  readonly deployment: Deployment;
  private readonly tokenClient: TokenClient;
  private readonly loadProfile: ProfileLoader;
  /** This browser's pending sign-ins; `null` with a user-supplied `store` or `state: false`. */
  private readonly pending: PendingLogins | null;

  // NOTE: four overloads, not two with unions: a union of verify types gives an inline 4-argument verify
  // no contextual types at all (TypeScript cannot tell the arities apart), so its parameters would be `any`.
  constructor(options: BitbucketOAuth2StrategyOptions, verify: BitbucketOAuth2VerifyFunction);
  // eslint-disable-next-line @typescript-eslint/unified-signatures -- see the NOTE above
  constructor(options: BitbucketOAuth2StrategyOptions, verify: BitbucketOAuth2VerifyFunctionWithParams);
  constructor(options: BitbucketOAuth2StrategyOptionsWithRequest, verify: BitbucketOAuth2VerifyFunctionWithRequest);
  constructor(
    options: BitbucketOAuth2StrategyOptionsWithRequest,
    // eslint-disable-next-line @typescript-eslint/unified-signatures -- see the NOTE above
    verify: BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  );
  constructor(
    options: BitbucketOAuth2StrategyOptions | BitbucketOAuth2StrategyOptionsWithRequest,
    verify:
      | BitbucketOAuth2VerifyFunction
      | BitbucketOAuth2VerifyFunctionWithParams
      | BitbucketOAuth2VerifyFunctionWithRequest
      | BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  ) {
    // Check (a snapshot of the own properties, each read once), resolve, build: never `options` itself again.
    const settings = resolveOAuth2Settings(checkOAuth2Options(options, verify));
    super(settings.passport, verify as OAuth2Strategy.VerifyFunction);
    this.name = settings.name;
    this.deployment = settings.defaults.deployment;
    this.pending = settings.pending;
    this.tokenClient = settings.tokenClient;
    this.loadProfile = createProfileLoader({ ...settings.profile, trace: settings.tokenClient.trace }, settings.limits);
    warmUpOAuth2Callback(this.deployment);
    // NOTE: node-oauth posts the client secret in the body, parses any body as a token and has
    // no timeout; passport-oauth2 calls this one method for the code exchange, so it is replaced.
    // Failures go back raw: passport-oauth2 turns them into TokenError (via parseErrorResponse) or InternalOAuthError.
    Object.assign(this._oauth2, { getOAuthAccessToken: codeExchange(this.tokenClient) });
    // NOTE: Bitbucket accepts access tokens in the Authorization header only (since 2026-05-04); should a
    // subclass use `_oauth2.get`, it must not put the token in the query string, which is node-oauth's default.
    this._oauth2.useAuthorizationHeaderforGET(true);
  }

  /**
   * Handles both legs of the flow: the first through passport-oauth2, the callback through its steps in
   * `callback-leg.ts`. Malformed parameters and every error Bitbucket sends back become `fail()` first, so
   * `failureRedirect` applies instead of a 500.
   */
  override authenticate(req: Request, options?: AuthenticateOptions): void {
    // DEBUG lines and the login channel; with neither switched on, it returns at once.
    observeLogin(this, req, 'oauth2', this.pending);
    // NOTE: read once: Express 5's `req.query` is a getter that parses the query string again at every read.
    const query: unknown = req.query;
    const problem = malformedCallbackParam(query, CALLBACK_PARAMS) ?? malformedCallbackParam(req.body, CALLBACK_PARAMS);
    if (problem) return this.fail({ message: problem }, 400);
    const error = callbackParam(query, 'error');
    if (error !== undefined) {
      const description = callbackParam(query, 'error_description');
      return endWithProviderError(this, req, this.pending, {
        handle: callbackParam(query, 'state'),
        error,
        description,
      });
    }
    const refused = perRequestCallbackProblem(options);
    if (refused) return this.error(refused);
    const code = callbackParam(query, 'code') ?? callbackParam(req.body, 'code');
    // NOTE: passport-oauth2 takes an empty `code` for no code at all, and would start a new sign-in from a callback.
    if (code === '') return this.fail({ message: 'Malformed callback: "code" is empty' }, 400);
    // The first leg (no `code`, as passport-oauth2 tells them apart) just redirects.
    if (code === undefined) return super.authenticate(req, options);
    // Only a callback can end in a token error or a login.
    watchCallback(this, req, classifyTokenError, this.pending);
    // NOTE: as passport-oauth2 reads it, `query.state || (body && body.state)`: an empty state in the query gives
    // way to the body's, and a falsy body (`''` from a text parser, `null`) reaches the state store as it is.
    const body: unknown = req.body;
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- see the NOTE
    const state = callbackParam(query, 'state') || (body ? (body as { state?: unknown }).state : body);
    finishCallback(this, req, options ?? {}, { code, state });
  }

  /** Reads the Bitbucket user with the access token, sent as a Bearer header only. */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: BitbucketProfile) => void): void {
    settle(
      this.loadProfile(() => `Bearer ${accessToken}`),
      gateProfile(this, done),
    );
  }

  /** Reads Bitbucket's RFC 6749 error bodies; anything else becomes an `InternalOAuthError`. */
  override parseErrorResponse(body: string, status: number): Error | null {
    return parseTokenErrorBody(body, status);
  }

  /**
   * A failed code exchange as a `TokenError`, or an `InternalOAuthError` whose message says what happened.
   * @internal Exported for compatibility, not documented: it may change in a minor release.
   */
  // NOTE: not in @types/passport-oauth2, but passport-oauth2 (≥ 1.4) calls it for every failed exchange.
  _createOAuthError(message: string, err: unknown): Error {
    return toOAuthError(message, err);
  }

  /**
   * Trades a refresh token for a new access token.
   *
   * NOTE: Bitbucket rotates refresh tokens: every refresh returns a new one and the old one stops
   * working, so store `refreshToken` from the result every time.
   *
   * @example
   * ```ts
   * const tokens = await strategy.refresh(user.refreshToken);
   * await db.users.update(user.id, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
   * ```
   */
  refresh(refreshToken: string): Promise<RefreshedTokens> {
    return refreshTokens(this.tokenClient, refreshToken);
  }

  /**
   * The first leg's extra authorize parameters (none). While the user is on Bitbucket's consent page, the
   * connections the callback needs are opened in the background (see the `preconnect` option).
   */
  override authorizationParams(options: object): object {
    this.loadProfile.preconnect(this.tokenClient.tokenURL);
    return super.authorizationParams(options);
  }
}
