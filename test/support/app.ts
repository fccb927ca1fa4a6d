/**
 * A minimal Express app around one strategy, the way users wire it, for full-redirect tests:
 *   GET /login     → passport.authenticate(name)                 (redirects to Bitbucket)
 *   GET /callback  → passport.authenticate(name, failureRedirect) → JSON { user, authInfo }
 *   GET /failed    → JSON { messages } (what failureMessage stored)
 *   GET /me        → JSON { user } from the session
 *   errors         → 500 JSON { name, message, code, status }, and recorded in `errors`
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport, type Strategy } from 'passport';
import request from 'supertest';
import { getSetSession, promiseSession, useGetSetLogin } from './get-set-session';

export interface TestApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Errors that reached the app's error handler, in order. */
  errors: Error[];
  /** A cookie-keeping client (one browser). */
  agent(): request.Agent;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra middleware before passport (e.g. a body parser). */
  before?: express.RequestHandler[];
  /** Options for the callback's passport.authenticate (merged over the defaults). */
  callbackOptions?: Record<string, unknown>;
  /** No session middleware at all (to test what happens without one). */
  withoutSession?: boolean;
  /** The express-session store; default MemoryStore. */
  sessionStore?: session.Store;
  /**
   * Instead of express-session, with @fastify/passport's login: `'secure'` a get/set Proxy session like
   * @fastify/secure-session's; `'promise'` one like @fastify/session's (`regenerate(keys)` returns a promise).
   */
  fastifyLikeSession?: 'secure' | 'promise';
}

/** A server listening before its app exists, so the strategy can be built with the app's absolute URL. */
let reserved: { server: http.Server; url: string } | undefined;

/**
 * Opens the next app's port now and returns its `http://127.0.0.1:PORT`.
 * NOTE: strategies refuse a relative `callbackURL` (it would trust the Host header), so a test app's
 * callback URL must be known before the strategy is built; the next {@link startApp} serves on this port.
 */
export async function reserveAppURL(): Promise<string> {
  if (reserved) return reserved.url;
  const server = http.createServer();
  // Unreferenced until it serves: a reservation no test used must not keep the test process alive.
  server.unref();
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  reserved = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  return reserved.url;
}

/**
 * The absolute callback URL of the app {@link reserveAppURL} opened; a port-less loopback URL when none
 * is (tests that only construct a strategy).
 */
export function appCallbackURL(): string {
  return `${reserved?.url ?? 'http://127.0.0.1'}/callback`;
}

export async function startApp(strategy: Strategy & { name?: string }, options: TestAppOptions = {}): Promise<TestApp> {
  const name = strategy.name ?? 'unnamed';
  const passport = new Passport();
  passport.use(name, strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  for (const mw of options.before ?? []) app.use(mw);
  if (options.fastifyLikeSession) {
    useGetSetLogin(passport);
    app.use(options.fastifyLikeSession === 'secure' ? getSetSession() : promiseSession());
    app.use(passport.session());
  } else if (!options.withoutSession) {
    app.use(
      session({
        secret: 'test-session-secret',
        resave: false,
        saveUninitialized: false,
        ...(options.sessionStore ? { store: options.sessionStore } : {}),
      }),
    );
    app.use(passport.session());
  }
  app.use(passport.initialize());
  app.get('/login', passport.authenticate(name));
  app.get(
    '/callback',
    passport.authenticate(name, { failureRedirect: '/failed', failureMessage: true, ...options.callbackOptions }),
    (req: Request, res: Response) => res.json({ user: req.user, authInfo: req.authInfo ?? null }),
  );
  app.get('/failed', (req: Request, res: Response) => {
    const messages = (req.session as unknown as { messages?: string[] } | undefined)?.messages ?? [];
    res.status(401).json({ messages });
  });
  app.get('/me', (req: Request, res: Response) => res.json({ user: req.user ?? null }));

  const errors: Error[] = [];
  app.use((err: Error & { code?: unknown; status?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(err);
    res.status(500).json({ name: err.name, message: err.message, code: err.code ?? null, status: err.status ?? null });
  });

  const url = await reserveAppURL();
  const server = (reserved as { server: http.Server }).server;
  reserved = undefined;
  server.ref();
  server.on('request', app);
  return {
    url,
    errors,
    agent: () => request.agent(url),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
