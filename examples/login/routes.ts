/**
 * Sign-in, callback, sign-out and failure routes for both protocols.
 */
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AuthenticateOptions } from 'passport';
import { FLOWS, type PassportInstance } from './auth';
import { logError } from './log';
import { safeReturnTo } from './return-to';
import { clearSessionCookie, takeFailureMessage } from './session';
import { SessionStoreError, STORE_DOWN_MESSAGE } from './session-store';
import { failurePage, type PageContext } from './views';

/** Where a failed sign-in lands; `failureMessage: true` leaves the reason in `req.session.messages`. */
const FAILED = '/login/failed';

/**
 * Step 1: a safe `?returnTo=` travels with THIS sign-in, as passport's `state` option: the strategy keeps it in
 * the sign-in's own pending entry (so two tabs each return to their own page) and hands it back, once the user
 * is signed in, as `req.authInfo.state`.
 */
function startSignIn(passport: PassportInstance, strategy: string): RequestHandler {
  return (req, res, next) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    // NOTE: @types/passport types `state` as a string; passport-oauth2 and passport-oauth1 take any JSON value.
    const options = (returnTo === null ? {} : { state: { returnTo } }) as AuthenticateOptions;
    authenticate(passport, strategy, options)(req, res, next);
  };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- how Express's request types are extended
  namespace Express {
    /** What passport hands back, once signed in, of the `state` a sign-in started with. */
    interface AuthInfo {
      state?: { returnTo?: unknown };
    }
  }
}

/** Step 2, signed in: go where this sign-in was headed, checked again, or home. */
const finishSignIn: RequestHandler = (req, res) => {
  res.redirect(safeReturnTo(req.authInfo?.state?.returnTo) ?? '/');
};

/**
 * Errors on the sign-in routes are Bitbucket unreachable or answering nonsense (the strategies turn
 * denials and bad callbacks into failures already): say so plainly, log what it was, never show it.
 */
function signInError(page: PageContext): ErrorRequestHandler {
  return (err, req, res, _next) => {
    logError('sign-in', err);
    // Passport's req.login() saves the session: with Redis down, that is what failed, not Bitbucket (and a page
    // to redirect to would need the session store too).
    if (err instanceof SessionStoreError) {
      res
        .status(503)
        .set('Retry-After', '5')
        .send(failurePage(page, STORE_DOWN_MESSAGE, req.user !== undefined));
      return;
    }
    // NOTE: redirected, not shown here: the callback's URL holds the one-time code and state, which must not stay
    // in the address bar and the history (a reload would only replay a used code).
    res.redirect(303, UNAVAILABLE);
  };
}

/** Where a sign-in that Bitbucket could not complete lands. */
const UNAVAILABLE = '/login/unavailable';

/** `passport.authenticate` as a typed middleware (@types/passport returns `any`). */
function authenticate(passport: PassportInstance, strategy: string, options: AuthenticateOptions = {}): RequestHandler {
  return passport.authenticate(strategy, options) as RequestHandler;
}

/** The routes; a flow whose consumer is not configured has none (404). */
export function loginRoutes(passport: PassportInstance, page: PageContext, secureCookies: boolean): Router {
  const router = Router();
  for (const flow of [page.oauth2 ? FLOWS.oauth2 : null, page.oauth1 ? FLOWS.oauth1 : null]) {
    if (!flow) continue;
    router.get(flow.path, startSignIn(passport, flow.strategy));
    router.get(
      `${flow.path}/callback`,
      // NOTE: keepSessionInfo: req.login() still gives the session a new id (against fixation) but keeps
      // its data, so the sign-ins other tabs started (pending in this session) can still finish.
      authenticate(passport, flow.strategy, { failureRedirect: FAILED, failureMessage: true, keepSessionInfo: true }),
      finishSignIn,
    );
    router.use(flow.path, signInError(page)); // the path is a prefix: covers the callback too
  }

  // POST only, so a link or an <img> on another site cannot sign anyone out.
  router.post('/logout', (req, res, next) => {
    // NOTE: a form on another site still POSTs here, without the cookie (SameSite=Lax); a 303 that cleared the
    // cookie would still be taken by the browser. So only this site's own pages (the browser says so in
    // Sec-Fetch-Site) sign out, and only a signed-in session is touched.
    const site = req.get('sec-fetch-site');
    if ((site !== undefined && site !== 'same-origin') || !req.user) {
      res.redirect(303, '/');
      return;
    }
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
    res.send(failurePage(page, takeFailureMessage(req), req.user !== undefined));
  });
  router.get(UNAVAILABLE, (req, res) => {
    res
      .status(502)
      .send(
        failurePage(
          page,
          'Bitbucket could not be reached or answered unexpectedly, so the sign-in did not complete. Please try again in a moment.',
          req.user !== undefined,
        ),
      );
  });
  return router;
}
