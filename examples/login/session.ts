/**
 * The session cookie and what this app keeps in the session besides Passport's user.
 */
import type { Request, RequestHandler, Response } from 'express';
import session, { type Store } from 'express-session';

/** Not the default `connect.sid`, which only tells an attacker what runs here. */
export const SESSION_COOKIE = 'bitbucket-example.sid';

/** A sign-in session lasts 8 hours at most, whatever the token lifetime. A Redis session expires with it. */
export const MAX_AGE_MS = 8 * 60 * 60 * 1000;

/**
 * httpOnly: scripts cannot read it. SameSite=Lax: sent on the top-level GET that brings the user back
 * from Bitbucket, but not on cross-site POSTs, which is what protects `POST /logout` from CSRF.
 * Secure when the app is served over https.
 */
function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
}

/**
 * express-session with safe cookie flags.
 * NOTE: without `store`, sessions live in express-session's MemoryStore: fine for one process, but it
 * forgets everyone on restart, and a sign-in started on another instance cannot finish here (the
 * pending login is in that instance's memory). `REDIS_URL` gives a shared store: see session-store.ts.
 */
export function sessionMiddleware(secret: string, secure: boolean, store?: Store): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret,
    // Only sessions that hold something (OAuth state, a user) are stored and get a cookie.
    resave: false,
    saveUninitialized: false,
    cookie: { ...cookieOptions(secure), maxAge: MAX_AGE_MS },
    ...(store ? { store } : {}),
  });
}

/** Tells the browser to drop the cookie; the flags must match the ones it was set with. */
export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

/** This app's own session fields, read defensively: a session is data from the past. */
interface AppSessionFields {
  /** Where Passport's `failureMessage: true` appends the reason a sign-in failed. */
  messages?: unknown;
}

function fields(req: Request): AppSessionFields {
  return req.session as typeof req.session & AppSessionFields;
}

/** Takes the last failure message out of the session, so a reload does not show a stale one. */
export function takeFailureMessage(req: Request): string | undefined {
  const { messages } = fields(req);
  if (messages === undefined) return undefined;
  delete fields(req).messages;
  if (!Array.isArray(messages)) return undefined;
  const last: unknown = messages[messages.length - 1];
  return typeof last === 'string' ? last : undefined;
}
