import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { isObject } from '../narrow';
import type { RequestTokenStore } from './base';

/** The session, when a session middleware runs before passport (it may not: that is checked, not assumed). */
function sessionOf(req: Request): Record<string, unknown> | undefined {
  const { session } = req as { session?: unknown };
  return isObject(session) ? session : undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Keeps the request token and secret in the session between the two legs of the flow.
 *
 * NOTE: passport-oauth1's own session store hands back the secret without checking that the
 * `oauth_token` in the callback is the one this session asked for, so a callback crafted with
 * another session's token would go on to the token exchange. This one fails it.
 */
export class SessionRequestTokenStore implements RequestTokenStore {
  constructor(private readonly key: string) {}

  get(req: Request, token: string, cb: (err: Error | null, tokenSecret?: string | false, info?: object) => void): void {
    const session = sessionOf(req);
    if (!session) return cb(missingSession());
    const entry = session[this.key];
    if (!isObject(entry) || typeof entry.oauth_token !== 'string' || typeof entry.oauth_token_secret !== 'string') {
      return cb(null, false, { message: 'No Bitbucket sign-in is in progress in this browser. Please sign in again.' });
    }
    if (!sameToken(entry.oauth_token, token)) {
      return cb(null, false, {
        message: 'This Bitbucket sign-in was not started in this browser. Please sign in again.',
      });
    }
    return cb(null, entry.oauth_token_secret);
  }

  set(req: Request, token: string, tokenSecret: string, cb: (err?: Error | null) => void): void {
    const session = sessionOf(req);
    if (!session) return cb(missingSession());
    session[this.key] = { oauth_token: token, oauth_token_secret: tokenSecret };
    return cb();
  }

  destroy(req: Request, _token: string, cb: (err?: Error | null) => void): void {
    const session = sessionOf(req);
    if (session) Reflect.deleteProperty(session, this.key);
    cb();
  }
}

function missingSession(): Error {
  return new Error(
    'OAuth 1.0a sign-in needs a session: add express-session (or another session middleware) before passport.',
  );
}
