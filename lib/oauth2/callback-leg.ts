import type { AuthenticateOptions } from 'passport';

/** What passport-oauth2 (1.8.0, pinned) keeps on a strategy for its callback leg; not in its published types. */
interface PassportOAuth2Internals {
  success(user: Express.User, info?: object): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: unknown): void;
  _callbackURL?: string;
  _passReqToCallback?: boolean;
  _verify: (...args: unknown[]) => void;
  _stateStore: { verify: (...args: unknown[]) => void };
  _oauth2: {
    _authorizeUrl: string;
    _accessTokenUrl: string;
    _clientId: string;
    getOAuthAccessToken(code: string, params: object, callback: TokenCallback): void;
  };
  _loadUserProfile(accessToken: string, done: (err: unknown, profile?: unknown) => void): void;
  _createOAuthError(message: string, err: unknown): Error;
  tokenParams(options: object): object;
}

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: object) => void;

/** The callback's parameters, each read once by the strategy. */
export interface CallbackGrant {
  code: string;
  /** What passport-oauth2 hands the state store: `query.state || (body && body.state)`, whatever that is. */
  state: unknown;
}

/**
 * `target[key] = value` as passport-oauth2 (sloppy-mode JavaScript) does it: on a string, a frozen or a
 * non-extensible object nothing happens, where this file (strict mode) would throw.
 * NOTE: a verify may pass a string as `info` (passport's `successMessage` reads it) or a frozen object; with a
 * store that hands back an app state, `info.state = …` threw, inside `done()`, in the app's own callback.
 */
function assignLoosely(target: unknown, key: string, value: unknown): void {
  if (target === null || target === undefined) {
    throw new TypeError(`Cannot set properties of ${String(target)} (setting '${key}')`);
  }
  if (typeof target === 'object' || typeof target === 'function') Reflect.set(target, key, value);
}

/**
 * passport-oauth2's callback leg (`OAuth2Strategy.prototype.authenticate` with a `code`), step for step, on the
 * parameters the strategy has already read and checked: the state store's `verify` (by its arity, with the same
 * metadata), the code exchange with `tokenParams()`, `_loadUserProfile()`, the verify callback by its arity, and
 * `info.state` from the store.
 * NOTE: passport-oauth2 reads `req.query` eight times in a callback, and Express 5's `req.query` is a getter that
 * parses the query string again at every read; it also parses the callback URL with `url.parse` to resolve it
 * against the request, which the strategies never need (they accept absolute callback URLs only). Shadowing the
 * getter instead (an own property on the request, deleted afterwards) turns every request into a slow dictionary
 * object in V8; see guides/performance.md.
 */
export function finishCallback(
  strategy: object,
  req: unknown,
  options: AuthenticateOptions,
  grant: CallbackGrant,
): void {
  const self = strategy as PassportOAuth2Internals;
  // A per-request `callbackURL` has been checked (absolute) by the strategy.
  const callbackURL = (options as { callbackURL?: string }).callbackURL ?? self._callbackURL;
  const meta = {
    authorizationURL: self._oauth2._authorizeUrl,
    tokenURL: self._oauth2._accessTokenUrl,
    clientID: self._oauth2._clientId,
    callbackURL,
  };
  const loaded = (err: unknown, ok?: unknown, state?: unknown): void => {
    if (err) return self.error(err);
    if (!ok) return self.fail(state, 403);
    const params = self.tokenParams(options);
    assignLoosely(params, 'grant_type', 'authorization_code');
    if (callbackURL) assignLoosely(params, 'redirect_uri', callbackURL);
    // PKCE: the store hands back the verifier instead of `true`.
    if (typeof ok === 'string') assignLoosely(params, 'code_verifier', ok);
    self._oauth2.getOAuthAccessToken(grant.code, params, (tokenErr, accessToken, refreshToken, tokenParams) => {
      if (tokenErr) return self.error(self._createOAuthError('Failed to obtain access token', tokenErr));
      if (!accessToken) return self.error(new Error('Failed to obtain access token'));
      self._loadUserProfile(accessToken, (profileErr, profile) => {
        if (profileErr) return self.error(profileErr);
        const verified = (verifyErr: unknown, user?: Express.User | false, info?: unknown): void => {
          if (verifyErr) return self.error(verifyErr);
          if (!user) return self.fail(info);
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- any falsy info, as passport-oauth2
          const outcome = info || {};
          if (state) assignLoosely(outcome, 'state', state);
          self.success(user, outcome);
        };
        try {
          const arity = self._verify.length;
          if (self._passReqToCallback) {
            if (arity === 6) self._verify(req, accessToken, refreshToken, tokenParams, profile, verified);
            else self._verify(req, accessToken, refreshToken, profile, verified);
          } else if (arity === 5) self._verify(accessToken, refreshToken, tokenParams, profile, verified);
          else self._verify(accessToken, refreshToken, profile, verified);
        } catch (thrown) {
          return self.error(thrown);
        }
      });
    });
  };
  try {
    if (self._stateStore.verify.length === 4) self._stateStore.verify(req, grant.state, meta, loaded);
    else self._stateStore.verify(req, grant.state, loaded);
  } catch (thrown) {
    self.error(thrown);
  }
}
