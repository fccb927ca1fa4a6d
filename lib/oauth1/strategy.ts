import type { Request } from 'express';
import type { AuthenticateOptions } from 'passport';
import { callbackErrorMessage, callbackParam, malformedCallbackParam } from '../callback';
import {
  checkProfileURLs,
  oauth1Endpoints,
  requireAbsoluteCallbackURL,
  requireSecureURL,
  type Deployment,
} from '../endpoints';
import { InternalOAuthError, TokenEndpointFailure } from '../errors';
import { requireOption, resolveLimits, resolvePendingLoginLimits } from '../options';
import { defaultSessionKey, keepAcrossRegenerate, missingSession, PendingLogins } from '../pending-logins';
import { profileLoaderFor, settle, type ProfileLoader } from '../profile-loader';
import type { TraceTarget } from '../observe/channels';
import { observeLogin } from '../observe/login';
import type { BitbucketProfile } from '../profile-types';
import { failWhenDenied } from '../workspace-gate';
import { OAuthStrategy, type OAuth1TokenClient, type RequestTokenStore } from './base';
import { SessionRequestTokenStore } from './request-token-store';
import { authorizationHeader, type ConsumerCredentials } from './signature';
import {
  isRequestTokenProblem,
  parseOAuth1ErrorBody,
  requestTokenPair,
  type OAuth1Client,
  type OAuth1TokenPair,
} from './token-requests';
import type {
  BitbucketStrategyOptions,
  BitbucketStrategyOptionsWithRequest,
  BitbucketVerifyFunction,
  BitbucketVerifyFunctionWithParams,
  BitbucketVerifyFunctionWithRequest,
  BitbucketVerifyFunctionWithRequestAndParams,
} from './types';

/** The callback parameters this strategy reads; each must appear at most once. */
const CALLBACK_PARAMS = [
  'oauth_token',
  'oauth_verifier',
  'denied',
  'error',
  'error_description',
  'oauth_problem',
] as const;

/** Hands a token request's outcome to node-oauth's callback style. */
function toCallback(
  pair: Promise<OAuth1TokenPair>,
  callback: (err: unknown, token?: string, tokenSecret?: string, params?: Record<string, string>) => void,
): void {
  settle(pair, (err, result?: OAuth1TokenPair) =>
    err ? callback(err) : callback(null, result?.token, result?.tokenSecret, result?.params),
  );
}

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
    if (typeof verify !== 'function') throw new TypeError('BitbucketStrategy requires a verify callback');
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JavaScript callers may pass no options
    const consumerKey = requireOption('BitbucketStrategy', 'consumerKey', options?.consumerKey);
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
    const requestTokenURL = url('requestTokenURL');
    const accessTokenURL = url('accessTokenURL');
    const userAuthorizationURL = url('userAuthorizationURL');
    checkProfileURLs(options);
    // NOTE: without a callback Bitbucket falls back to out-of-band and strands the user on a page with a code.
    const callbackURL = requireAbsoluteCallbackURL(options.callbackURL);
    const limits = resolveLimits(options);
    const name = options.name ?? 'bitbucket';
    const pending = new PendingLogins(
      options.sessionKey ?? defaultSessionKey(name, defaults.deployment, userAuthorizationURL),
      resolvePendingLoginLimits(options),
    );
    const credentials: ConsumerCredentials = {
      consumerKey,
      consumerSecret: options.consumerSecret ?? '',
      signatureMethod,
      ...(options.privateKey ? { privateKey: options.privateKey } : {}),
    };
    super(
      {
        requestTokenURL,
        accessTokenURL,
        userAuthorizationURL,
        consumerKey,
        consumerSecret: credentials.consumerSecret,
        callbackURL,
        sessionKey: pending.key,
        // NOTE: its `set` takes six parameters (to receive the app's state), which the public interface does not show.
        store: options.store ?? (new SessionRequestTokenStore(pending) as unknown as RequestTokenStore),
        passReqToCallback: options.passReqToCallback,
        skipUserProfile: options.skipUserProfile,
        proxy: options.proxy,
      },
      verify,
    );
    this.name = name;
    this.deployment = defaults.deployment;
    this.pending = options.store ? null : pending;
    this.credentials = credentials;
    const trace: TraceTarget = { strategy: this.name, deployment: this.deployment };
    this.loadProfile = profileLoaderFor(options, defaults, limits, trace);
    // NOTE: node-oauth's token requests have no timeout and no size limit; passport-oauth1 calls
    // these two methods only, so they are replaced by signed requests on this package's HTTP client.
    const client: OAuth1Client = {
      credentials,
      timeoutMs: limits.timeoutMs,
      maxBytes: limits.maxBytes,
      agent: limits.agent,
      trace,
    };
    const tokens: OAuth1TokenClient = {
      getOAuthRequestToken: (params, callback) =>
        toCallback(
          requestTokenPair(client, requestTokenURL, { ...params, oauth_callback: params.oauth_callback ?? 'oob' }),
          callback,
        ),
      getOAuthAccessToken: (token, tokenSecret, verifier, callback) =>
        toCallback(
          requestTokenPair(client, accessTokenURL, { oauth_verifier: verifier ?? undefined }, { token, tokenSecret }),
          callback,
        ),
    };
    Object.assign(this._oauth, tokens);
  }

  /**
   * Handles both legs of the flow. A user who denies access ends at `failureRedirect`, whichever
   * way Bitbucket says so, instead of being sent round the flow again.
   *
   * NOTE: how Bitbucket signals an OAuth 1.0a denial is undocumented: `denied=…` (the common
   * convention), `error=…`, `oauth_problem=…` and a callback without `oauth_verifier` all count.
   */
  override authenticate(req: Request, options?: AuthenticateOptions): void {
    // DEBUG lines and the login channel; with neither switched on, it returns at once.
    observeLogin(this, req, 'oauth1', this.pending);
    const problem = malformedCallbackParam(req.query, CALLBACK_PARAMS);
    if (problem) return this.fail({ message: problem }, 400);
    const token = callbackParam(req.query, 'oauth_token');
    const denied = callbackParam(req.query, 'denied');
    const error =
      denied !== undefined
        ? 'access_denied'
        : (callbackParam(req.query, 'error') ?? callbackParam(req.query, 'oauth_problem'));
    // An empty `oauth_verifier` is no verifier either (passport-oauth1 would send the exchange without one).
    const unauthorized = token !== undefined && !callbackParam(req.query, 'oauth_verifier');
    if (error !== undefined || unauthorized) {
      // The sign-in this callback names is over: its entry is spent, and only a match shows Bitbucket's words.
      const handle = token ?? denied;
      const found = this.pending?.take(req, handle);
      if (found && 'problem' in found && found.problem === 'no_session') return this.error(missingSession());
      const matched = found !== undefined && 'login' in found;
      const message =
        error === undefined && matched
          ? 'Bitbucket sent you back without authorizing the sign-in.'
          : callbackErrorMessage(matched, error ?? 'access_denied', callbackParam(req.query, 'error_description'));
      return this.fail({ message }, 403);
    }
    const succeed = this.success.bind(this);
    this.success = (user: Express.User, info?: object): void => {
      keepAcrossRegenerate(req);
      succeed(user, info);
    };
    const forwardError = this.error.bind(this);
    this.error = (err: unknown): void => {
      if (isRequestTokenProblem(err)) {
        return this.fail({ message: 'The sign-in link has expired or was already used. Please sign in again.' }, 400);
      }
      return forwardError(err);
    };
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
      failWhenDenied(this, done),
    );
  }

  /**
   * Turns a failed token request into a `TokenError` (Bitbucket answered with an error body) or an
   * `InternalOAuthError` (no usable answer).
   *
   * NOTE: passport-oauth1 wraps failures in its own `InternalOAuthError` class, not the one this
   * package exports (passport-oauth2's), so `err instanceof InternalOAuthError` would be false for
   * this strategy only. The exported class is used, as the OAuth 2.0 strategy does.
   */
  override _createOAuthError(message: string, err: unknown): Error {
    const parsed =
      err instanceof TokenEndpointFailure && err.data !== '' ? this.parseErrorResponse(err.data, err.statusCode) : null;
    return parsed ?? new InternalOAuthError(message, err);
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
