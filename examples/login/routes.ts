/**
 * Sign-in, callback, sign-out and failure routes for both protocols.
 */
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AuthenticateOptions } from 'passport';
import { FLOWS, type PassportInstance } from './auth';
import { logError } from './log';
import { safeReturnTo } from './return-to';
import { clearSessionCookie, setReturnTo, takeFailureMessage, takeReturnTo } from './session';
import { SessionStoreError, STORE_DOWN_MESSAGE } from './session-store';
import { failurePage, type PageContext } from './views';

/** Where a failed sign-in lands; `failureMessage: true` leaves the reason in `req.session.messages`. */
const FAILED = '/login/failed';

/** Step 1: remember a safe `?returnTo=` (or forget a stale one); Passport then redirects to Bitbucket. */
const rememberReturnTo: RequestHandler = (req, _res, next) => {
  setReturnTo(req, safeReturnTo(req.query.returnTo));
  next();
};

/**
 * Step 2, before Passport: move the path out of the session into `res.locals`.
 * NOTE: Passport 0.7's `req.login()` regenerates the session (a new id, against session fixation),
 * which drops everything stored in the old one, so it has to be taken out first.
 */
const stashReturnTo: RequestHandler = (req, res, next) => {
  res.locals.returnTo = safeReturnTo(takeReturnTo(req));
  next();
};

/** Step 3, signed in: go where the user was headed, checked again, or home. */
const finishSignIn: RequestHandler = (_req, res) => {
  const target = safeReturnTo(res.locals.returnTo);
  res.redirect(target ?? '/');
};

/**
 * Errors on the sign-in routes are Bitbucket unreachable or answering nonsense (the strategies turn
 * denials and bad callbacks into failures already): say so plainly, log what it was, never show it.
 */
function signInError(page: PageContext): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    logError('sign-in', err);
    // Passport's req.login() saves the session: with Redis down, that is what failed, not Bitbucket.
    if (err instanceof SessionStoreError)
      return void res.status(503).set('Retry-After', '5').send(failurePage(page, STORE_DOWN_MESSAGE));
    res
      .status(502)
      .send(
        failurePage(
          page,
          'Bitbucket could not be reached or answered unexpectedly, so you are not signed in. Please try again in a moment.',
        ),
      );
  };
}

/** `passport.authenticate` as a typed middleware (@types/passport returns `any`). */
function authenticate(passport: PassportInstance, strategy: string, options: AuthenticateOptions = {}): RequestHandler {
  return passport.authenticate(strategy, options) as RequestHandler;
}

/** The routes; a flow whose consumer is not configured has none (404). */
export function loginRoutes(passport: PassportInstance, page: PageContext, secureCookies: boolean): Router {
  const router = Router();
  for (const flow of [page.oauth2 ? FLOWS.oauth2 : null, page.oauth1 ? FLOWS.oauth1 : null]) {
    if (!flow) continue;
    router.get(flow.path, rememberReturnTo, authenticate(passport, flow.strategy));
    router.get(
      `${flow.path}/callback`,
      stashReturnTo,
      // NOTE: keepSessionInfo: req.login() still gives the session a new id (against fixation) but keeps
      // its data, so the sign-ins other tabs started (pending in this session) can still finish.
      authenticate(passport, flow.strategy, { failureRedirect: FAILED, failureMessage: true, keepSessionInfo: true }),
      finishSignIn,
    );
    router.use(flow.path, signInError(page)); // the path is a prefix: covers the callback too
  }

  // POST only, so a link or an <img> on another site cannot sign anyone out (SameSite=Lax does the rest).
  router.post('/logout', (req, res, next) => {
    // req.logout() clears the user and regenerates the session; destroy() then removes it from the
    // store, and the cookie is cleared so the browser forgets the id too.
    req.logout((err) => {
      if (err) {
        next(err);
        return;
      }
      req.session.destroy((destroyErr) => {
        if (destroyErr) {
          next(destroyErr);
          return;
        }
        clearSessionCookie(res, secureCookies);
        res.redirect(303, '/');
      });
    });
  });

  router.get(FAILED, (req, res) => {
    res.send(failurePage(page, takeFailureMessage(req)));
  });
  return router;
}
