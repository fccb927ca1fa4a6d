import type { Request } from 'express';
import type { AuthenticateOptions } from 'passport';
import { callbackParam, malformedCallbackParam } from '../sign-in/callback';
import type { Deployment } from '../bitbucket';
import { TokenEndpointFailure, tokenRequestError } from '../errors';
import { perRequestCallbackProblem } from '../options/endpoints';
import type { PendingLogins } from '../sign-in/pending-logins';
import { createProfileLoader, settle, type ProfileLoader } from '../api/profile-loader';
import { warmUpOAuth1Callback } from './warm-up';
import { observeLogin } from '../observe/login';
import type { BitbucketProfile } from '../parse/profile-types';
import { gateProfile } from '../sign-in/carry';
import { endWithProviderError, watchCallback } from '../sign-in/outcome';
import { checkOAuth1Options } from '../options/validate';
import { OAuthStrategy } from './base';
import { resolveOAuth1Settings } from './settings';
import { authorizationHeader, type ConsumerCredentials } from './signature';
import { isRequestTokenProblem, nodeOAuthTokenCalls, parseOAuth1ErrorBody } from './token-requests';
import type {
  BitbucketStrategyOptions,
  BitbucketStrategyOptionsWithRequest,
  BitbucketVerifyFunction,
  BitbucketVerifyFunctionWithParams,
  BitbucketVerifyFunctionWithRequest,
  BitbucketVerifyFunctionWithRequestAndParams,
} from './types';

/** The callback parameters this strategy reads; each must appear at most once. */
// prettier-ignore
const CALLBACK_PARAMS = ['oauth_token', 'oauth_verifier', 'denied', 'error', 'error_description', 'oauth_problem'] as const;

/**
 * Sign in with Bitbucket over OAuth 1.0a: legacy Cloud consumers, and Data Center application links
 * (`baseURL` + `privateKey`, RSA-SHA1). Strategy name `bitbucket`.
 *
 * @example
 * ```ts
 * passport.use(new BitbucketStrategy(
 *   { consumerKey: process.env.BITBUCKET_CONSUMER_KEY!, consumerSecret: process.env.BITBUCKET_CONSUMER_SECRET!,
 *     callbackURL: 'https://app.example.com/auth/bitbucket/callback' },
 *   (token, tokenSecret, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
 * ));
 * app.get('/auth/bitbucket', passport.authenticate('bitbucket'));
 * ```
 */
export class BitbucketStrategy extends OAuthStrategy {
  /** Cloud or Data Center. */
  readonly deployment: Deployment;
  private readonly credentials: ConsumerCredentials;
  private readonly loadProfile: ProfileLoader;
  /** This browser's pending sign-ins; `null` with a user-supplied `store`. */
  private readonly pending: PendingLogins | null;

  // NOTE: four overloads, not two with unions: a union of verify types gives an inline 4-argument verify
  // no contextual types at all (TypeScript cannot tell the arities apart), so its parameters would be `any`.
  constructor(options: BitbucketStrategyOptions, verify: BitbucketVerifyFunction);
  // eslint-disable-next-line @typescript-eslint/unified-signatures -- see the NOTE above
  constructor(options: BitbucketStrategyOptions, verify: BitbucketVerifyFunctionWithParams);
  constructor(options: BitbucketStrategyOptionsWithRequest, verify: BitbucketVerifyFunctionWithRequest);
  // eslint-disable-next-line @typescript-eslint/unified-signatures -- see the NOTE above
  constructor(options: BitbucketStrategyOptionsWithRequest, verify: BitbucketVerifyFunctionWithRequestAndParams);
  constructor(
    options: BitbucketStrategyOptions | BitbucketStrategyOptionsWithRequest,
    verify:
      | BitbucketVerifyFunction
      | BitbucketVerifyFunctionWithParams
      | BitbucketVerifyFunctionWithRequest
      | BitbucketVerifyFunctionWithRequestAndParams,
  ) {
    // Check (a snapshot of the own properties, each read once), resolve, build: never `options` itself again.
    const settings = resolveOAuth1Settings(checkOAuth1Options(options, verify));
    super(settings.passport, verify);
    this.name = settings.name;
    this.deployment = settings.defaults.deployment;
    this.pending = settings.pending;
    this.credentials = settings.client.credentials;
    this.loadProfile = createProfileLoader({ ...settings.profile, trace: settings.client.trace }, settings.limits);
    warmUpOAuth1Callback(this.deployment);
    // NOTE: node-oauth's token requests have no timeout and no size limit; passport-oauth1 calls
    // these two methods only, so they are replaced by signed requests on this package's HTTP client.
    const { requestTokenURL, accessTokenURL } = settings.passport;
    Object.assign(this._oauth, nodeOAuthTokenCalls(settings.client, requestTokenURL, accessTokenURL));
  }

  /**
   * Handles both legs of the flow. A user who denies access ends at `failureRedirect`, whichever
   * way Bitbucket says so, instead of being sent round the flow again.
   *
   * NOTE: how Bitbucket signals an OAuth 1.0a denial is undocumented: `denied=…` (the common
   * convention), `error=…`, `oauth_problem=…`, a callback without `oauth_verifier`, and the verifier
   * `denied` (Atlassian's OAuth service provider sends the user back with `oauth_verifier=denied`) all count.
   */
  override authenticate(req: Request, options?: AuthenticateOptions): void {
    // DEBUG lines and the login channel; with neither switched on, it returns at once.
    observeLogin(this, req, 'oauth1', this.pending);
    // NOTE: read once: Express 5's `req.query` is a getter that parses the query string again at every read.
    const query: unknown = req.query;
    const problem = malformedCallbackParam(query, CALLBACK_PARAMS);
    if (problem) return this.fail({ message: problem }, 400);
    const token = callbackParam(query, 'oauth_token');
    const denied = callbackParam(query, 'denied');
    const verifier = callbackParam(query, 'oauth_verifier');
    const error =
      denied !== undefined || verifier === 'denied'
        ? 'access_denied'
        : (callbackParam(query, 'error') ?? callbackParam(query, 'oauth_problem'));
    // NOTE: passport-oauth1 takes an empty `oauth_token` for none, and would start a new sign-in from a callback.
    if (token === '') return this.fail({ message: 'Malformed callback: "oauth_token" is empty' }, 400);
    // An empty `oauth_verifier` is no verifier either (passport-oauth1 would send the exchange without one).
    const unauthorized = token !== undefined && !verifier;
    if (error !== undefined || unauthorized) {
      return endWithProviderError(this, req, this.pending, {
        handle: token ?? denied,
        error: error ?? 'access_denied',
        description: callbackParam(query, 'error_description'),
        ...(error === undefined ? { noGrantMessage: 'Bitbucket sent you back without authorizing the sign-in.' } : {}),
      });
    }
    const refused = perRequestCallbackProblem(options);
    if (refused) return this.error(refused);
    watchCallback(
      this,
      req,
      (err) =>
        isRequestTokenProblem(err)
          ? { message: 'The sign-in link has expired or was already used. Please sign in again.', status: 400 }
          : null,
      this.pending,
    );
    super.authenticate(req, options);
  }

  /** Reads the Bitbucket user from API 2.0 (Cloud) or the REST API (Data Center) with signed requests. */
  override userProfile(
    token: string,
    tokenSecret: string,
    _params: Record<string, string>,
    done: (err?: unknown, profile?: BitbucketProfile) => void,
  ): void {
    settle(
      this.loadProfile((method, url) =>
        authorizationHeader({ method, url, credentials: this.credentials, token, tokenSecret }),
      ),
      gateProfile(this, done),
    );
  }

  /**
   * Turns a failed token request into a `TokenError` (Bitbucket answered with an error body) or an
   * `InternalOAuthError` (no usable answer).
   *
   * NOTE: passport-oauth1 wraps failures in its own `InternalOAuthError` class, not the one this
   * package exports (passport-oauth2's), so `err instanceof InternalOAuthError` would be false for
   * this strategy only. The exported class is used, as the OAuth 2.0 strategy does.
   * @internal Exported for compatibility, not documented: it may change in a minor release.
   */
  override _createOAuthError(message: string, err: unknown): Error {
    const parsed =
      err instanceof TokenEndpointFailure && err.data !== '' ? this.parseErrorResponse(err.data, err.statusCode) : null;
    return tokenRequestError(message, err, parsed);
  }

  /** Reads Bitbucket's plain-text and `oauth_problem` error answers into a `TokenError`. */
  override parseErrorResponse(body: string, status: number): Error | null {
    return parseOAuth1ErrorBody(body, status);
  }

  /**
   * Extra parameters of the redirect to Bitbucket (none). passport-oauth1 asks for them once the request
   * token is stored: the connections the callback needs are opened then, in the background.
   */
  userAuthorizationParams(_options: object): object {
    // NOTE: node-oauth keeps the access-token URL as `_accessUrl` (passport-oauth1 reads it there too).
    const accessURL = (this._oauth as unknown as { _accessUrl?: unknown })._accessUrl;
    if (typeof accessURL === 'string') this.loadProfile.preconnect(accessURL);
    return {};
  }
}
