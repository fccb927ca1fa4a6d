import { missingSession, noMatchMessage, type PendingLogin, type PendingLogins } from '../sign-in/pending-logins';

/**
 * Keeps each request token's secret between the two legs of the flow, several sign-ins per browser,
 * over {@link PendingLogins}.
 *
 * NOTE: passport-oauth1's own session store keeps one request token per session (a second tab
 * overwrites the first one's secret) and hands back the secret without checking that the callback's
 * `oauth_token` is the one this session asked for. Here a callback gets the secret only for a request
 * token this browser asked for, and it is spent on first use.
 */
export class SessionRequestTokenStore {
  constructor(private readonly pending: PendingLogins) {}

  get(req: unknown, token: string, cb: (err: Error | null, tokenSecret?: string | false, info?: object) => void): void {
    const found = this.pending.take(req, token);
    if ('problem' in found && found.problem === 'no_session') return cb(missingSession());
    if ('problem' in found || found.login.tokenSecret === undefined) {
      return cb(null, false, { message: noMatchMessage('problem' in found ? found.problem : 'unknown') });
    }
    // On success passport-oauth1 hands the third argument to the app as `req.authInfo.state`.
    return cb(null, found.login.tokenSecret, found.login.appState as object | undefined);
  }

  /**
   * NOTE: six parameters, so that passport-oauth1 (which picks the call by `Function.length`) passes the
   * app's `state` option, kept for the callback like passport-oauth2's `store` does.
   */
  set(
    req: unknown,
    token: string,
    tokenSecret: string,
    appState: unknown,
    _meta: unknown,
    cb: (err?: Error | null) => void,
  ): void {
    try {
      const login: Omit<PendingLogin, 'startedAt'> = { handle: token, tokenSecret };
      if (appState !== undefined) login.appState = appState;
      this.pending.add(req, login);
    } catch (err) {
      return cb(err as Error);
    }
    return cb();
  }

  /** Nothing left to forget: {@link get} spent the entry already. */
  destroy(_req: unknown, _token: string, cb: (err?: Error | null) => void): void {
    cb();
  }
}
