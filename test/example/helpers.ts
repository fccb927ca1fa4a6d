/**
 * Drives examples/login with supertest against a mock Bitbucket that approves at once
 * (`autoApprove: true`), following the redirects by hand so each hop can be checked.
 */
import { MemoryStore } from 'express-session';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  type MockBitbucket,
  type MockUser,
} from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { createApp, type AppConfig } from '../../examples/login/app';

/** The app's public URL: never listened on (supertest calls the app directly), but it must pass the mock's callback prefix check. */
export const PUBLIC_URL = 'http://127.0.0.1:3999';

export interface Harness {
  mock: MockBitbucket;
  app: ReturnType<typeof createApp>;
  store: MemoryStore;
  config: AppConfig;
}

/** A mock Bitbucket plus the example app pointed at it. Close with `harness.mock.close()`. */
export async function startHarness(options: { users?: MockUser[]; publicURL?: string } = {}): Promise<Harness> {
  const mock = await createMockBitbucket({ autoApprove: true, ...(options.users ? { users: options.users } : {}) });
  const { clientId, clientSecret } = DEFAULT_CLIENT;
  const config: AppConfig = {
    publicURL: options.publicURL ?? PUBLIC_URL,
    sessionSecret: 'test-session-secret',
    oauth2: { clientID: clientId, clientSecret, ...mock.oauth2Endpoints() },
    oauth1: { consumerKey: clientId, consumerSecret: clientSecret, ...mock.oauth1Endpoints() },
    mockURL: mock.url,
  };
  const store = new MemoryStore();
  return { mock, app: createApp(config, { sessionStore: store }), store, config };
}

/** Path and query of an absolute Location on the app. */
function onApp(location: string): string {
  const url = new URL(location);
  return `${url.pathname}${url.search}`;
}

/**
 * Runs one sign-in: app → mock (approves) → app callback. Returns the callback's answer
 * (302 to the return path on success, to /login/failed otherwise).
 */
export async function signIn(
  agent: ReturnType<typeof request.agent>,
  start = '/auth/bitbucket',
): Promise<request.Response> {
  const toBitbucket = await agent.get(start).expect(302);
  const answer = await fetch(String(toBitbucket.headers.location), { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return agent.get(onApp(String(answer.headers.get('location'))));
}

/** The `Set-Cookie` line of the session cookie, if the response sets it. */
export function sessionCookie(res: request.Response): string | undefined {
  const header: unknown = res.headers['set-cookie'];
  const lines = Array.isArray(header) ? header.map(String) : [];
  return lines.find((line) => line.startsWith('bitbucket-example.sid='));
}

/** Every session in the store, serialized: to prove what is (not) kept server-side. */
export function storedSessions(store: MemoryStore): Promise<string> {
  return new Promise((resolve, reject) => {
    store.all((err: unknown, sessions) => {
      if (err) reject(err instanceof Error ? err : new Error('the session store failed'));
      else resolve(JSON.stringify(sessions ?? {}));
    });
  });
}

/** The credential the app sent to the mock's user endpoint: the Bearer token, or the OAuth 1.0a `oauth_token`. */
export function tokenSeenByMock(mock: MockBitbucket): string {
  const call = mock.requests.find((r) => r.path === '/2.0/user');
  const header = String(call?.headers.authorization ?? '');
  const token = /^Bearer (\S+)$/.exec(header)?.[1] ?? /oauth_token="([^"]+)"/.exec(header)?.[1];
  if (!token) throw new Error(`no token in the user request: ${JSON.stringify(header)}`);
  return decodeURIComponent(token);
}
