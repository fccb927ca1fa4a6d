import { randomText } from '../sign-in/random';
import { missingSession, noMatchMessage, type PendingLogin, type PendingLogins } from '../sign-in/pending-logins';

/** passport-oauth2's `loaded` callback: `ok` is `true` or the PKCE verifier; the third argument is the
 * app state on success and the failure's info otherwise. */
type Loaded = (err: Error | null, ok?: string | boolean, stateOrInfo?: unknown) => void;

/**
 * passport-oauth2's state-store interface, over {@link PendingLogins}: each sign-in gets its own random
 * `state`, and keeps its PKCE verifier and the app's `state` option next to it.
 *
 * NOTE: passport-oauth2 picks the arities it calls by `Function.length`: `store` takes five
 * parameters (req, verifier, state, meta, callback) and `verify` four (req, state, meta, callback).
 */
export class PendingLoginStateStore {
  constructor(private readonly pending: PendingLogins) {}

  store(
    req: unknown,
    verifier: string | undefined,
    appState: unknown,
    _meta: unknown,
    callback: (err: Error | null, state?: string) => void,
  ): void {
    // 32 random bytes: the state is the only thing that ties the callback to this browser's sign-in.
    const handle = randomText(32, 'base64url');
    try {
      const login: Omit<PendingLogin, 'startedAt'> = { handle };
      if (typeof verifier === 'string') login.verifier = verifier;
      if (appState !== undefined) login.appState = appState;
      this.pending.add(req, login);
    } catch (err) {
      return callback(err instanceof Error ? err : missingSession());
    }
    callback(null, handle);
  }

  verify(req: unknown, state: unknown, _meta: unknown, callback: Loaded): void {
    const found = this.pending.take(req, typeof state === 'string' ? state : undefined);
    if ('problem' in found) {
      if (found.problem === 'no_session') return callback(missingSession());
      return callback(null, false, { message: noMatchMessage(found.problem) });
    }
    callback(null, found.login.verifier ?? true, found.login.appState);
  }
}
