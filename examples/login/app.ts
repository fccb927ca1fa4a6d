/**
 * `createApp(config)` builds the Express app without listening, so tests can drive it with supertest
 * and `server.ts` can attach it to a server once the port is known.
 */
import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Store } from 'express-session';
import { createPassport } from './auth';
import type { AppConfig } from './config';
import { logError } from './log';
import { loginRoutes } from './routes';
import { sessionMiddleware } from './session';
import { SessionStoreError, STORE_DOWN_MESSAGE } from './session-store';
import { isSignedInUser } from './user';
import { CSS, failurePage, messagePage, signedInPage, signedOutPage, type PageContext } from './views';

export type { AppConfig } from './config';

/** Options that are not configuration: plumbing a test or a real deployment may swap. */
export interface AppOptions {
  /** Session store; default express-session's MemoryStore. See session-store.ts for Redis. */
  sessionStore?: Store;
}

/**
 * Defence in depth should escaping ever miss: no script may run at all, the one stylesheet is pinned
 * by its hash, forms post only here, and no site may frame the pages (clickjacking).
 */
function securityHeaders(mockURL: string | undefined): RequestHandler {
  const styleHash = createHash('sha256').update(CSS).digest('base64');
  const images = ["'self'", 'https:', 'data:', ...(mockURL ? [new URL(mockURL).origin] : [])].join(' ');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src ${images}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // The callback URL carries the one-time code; keep it (and anything else) out of Referer headers.
      'Referrer-Policy': 'no-referrer',
      // Pages show personal data: no shared or back-button caching.
      'Cache-Control': 'no-store',
    });
    next();
  };
}

/** The 4xx status Express attached to an error (e.g. 400 for a malformed URL), else `null`. */
function clientErrorStatus(err: unknown): number | null {
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** Builds the app: sessions, Passport, pages, and the sign-in routes of each configured protocol. */
export function createApp(config: AppConfig, options: AppOptions = {}): Express {
  const app = express();
  const secure = new URL(config.publicURL).protocol === 'https:';
  const page: PageContext = { mockURL: config.mockURL, oauth2: config.oauth2 !== null, oauth1: config.oauth1 !== null };

  app.disable('x-powered-by');
  // NOTE: an https CALLBACK_URL means TLS ends at a proxy in front of this app (which listens on plain
  // http); trusting one hop of X-Forwarded-Proto lets express-session see the request as secure and
  // send the Secure cookie at all.
  if (secure) app.set('trust proxy', 1);
  app.use(securityHeaders(config.mockURL));
  app.use(sessionMiddleware(config.sessionSecret, secure, options.sessionStore));
  const passport = createPassport(config);
  app.use(passport.initialize());
  app.use(passport.session());

  app.get('/', (req, res) => {
    res.send(isSignedInUser(req.user) ? signedInPage(page, req.user) : signedOutPage(page));
  });
  app.use(loginRoutes(passport, page, secure));

  app.use((_req, res) => {
    res.status(404).send(messagePage(page, 'Page not found', 'There is no page at this address.'));
  });
  // Generic on purpose: no stack, no message, no config value ever reaches the browser.
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = clientErrorStatus(err);
    if (status === null) logError('request', err);
    if (res.headersSent) return void res.end();
    // Redis down or restarting: a passing condition, said plainly (the cause is in the log).
    if (err instanceof SessionStoreError)
      return void res.status(503).set('Retry-After', '5').send(failurePage(page, STORE_DOWN_MESSAGE));
    if (status !== null)
      return void res
        .status(status)
        .send(messagePage(page, 'Bad request', 'The server could not understand this request.'));
    res
      .status(500)
      .send(messagePage(page, 'Something went wrong', 'The server could not complete this request. Please try again.'));
  };
  app.use(onError);
  return app;
}
