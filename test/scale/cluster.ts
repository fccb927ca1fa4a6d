/**
 * Two instances of examples/login behind one public URL, as behind a load balancer: ONE mock
 * Bitbucket, and (with `redisURL`) ONE Redis that both reach through their own client, built by the
 * example's own `openSessionStore` (the code `REDIS_URL` runs). Without `redisURL` each instance has
 * its own MemoryStore. The public URL is a tiny round-robin proxy; tests can also send a leg to a
 * chosen instance directly, since both build their callback URL from the same public URL.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  type MockBitbucket,
  type MockUser,
} from 'passport-bitbucket-oauth/testing';
import { createApp, type AppConfig } from '../../examples/login/app';
import { openSessionStore, type SessionStoreChoice } from '../../examples/login/session-store';
import { approveAs, Browser, failureText, onOrigin, signedInAs, type Answer } from './browser';

export type InstanceName = 'A' | 'B';
/** Where a leg goes: one instance, or the public URL (the proxy picks). */
export type Target = InstanceName | 'proxy';
export type Protocol = 'oauth2' | 'oauth1';

const START_PATH: Record<Protocol, string> = { oauth2: '/auth/bitbucket', oauth1: '/auth/bitbucket-oauth1' };

/** `n` Bitbucket users, each distinct in every field the pages show. */
export function scaleUsers(n: number): MockUser[] {
  return Array.from({ length: n }, (_, i) => {
    const hex = i.toString(16).padStart(12, '0');
    return {
      uuid: `{5ca1e000-0000-4000-8000-${hex}}`,
      accountId: `5ca1e${hex}${hex.slice(0, 7)}`,
      username: `scale-${i}`,
      nickname: `Scale ${i}`,
      displayName: `Scale User ${i}`,
      emails: [{ email: `scale-${i}@example.com`, primary: true, confirmed: true }],
    };
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Round robin over the instances, one request at a time, as a load balancer without sticky
 * sessions does. It names the instance it picked in `x-upstream`.
 */
function roundRobinProxy(upstreams: () => [string, string][]): Server {
  let next = 0;
  return createServer((req, res) => {
    const list = upstreams();
    const [name, url] = list[next++ % list.length]!;
    const target = new URL(url);
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': name });
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'x-upstream': name });
      res.end();
    });
    req.pipe(forward);
  });
}

export interface Instance {
  url: string;
  sessions: SessionStoreChoice;
  server: Server;
}

export interface Cluster {
  mock: MockBitbucket;
  /** The proxy: the one public URL, in both instances' callback URLs. */
  publicURL: string;
  instances: Record<InstanceName, Instance>;
  close(): Promise<void>;
}

/** Starts the mock, the proxy and instances A and B. */
export async function startCluster(options: { users: MockUser[]; redisURL?: string }): Promise<Cluster> {
  const mock = await createMockBitbucket({ autoApprove: true, users: options.users });
  const instances: Partial<Record<InstanceName, Instance>> = {};
  const proxy = roundRobinProxy(() => Object.entries(instances).map(([name, i]) => [name, i.url]));
  const publicURL = await listen(proxy);
  const { clientId, clientSecret } = DEFAULT_CLIENT;
  const config: AppConfig = {
    publicURL,
    // Instances behind one load balancer share the secret, or none could read the others' cookies.
    sessionSecret: 'scale-test-session-secret',
    oauth2: { clientID: clientId, clientSecret, ...mock.oauth2Endpoints() },
    oauth1: { consumerKey: clientId, consumerSecret: clientSecret, ...mock.oauth1Endpoints() },
    mockURL: mock.url,
  };
  for (const name of ['A', 'B'] as const) {
    const sessions = await openSessionStore(options.redisURL);
    const server = createServer(createApp(config, { sessionStore: sessions.store }));
    instances[name] = { url: await listen(server), sessions, server };
  }
  const { A, B } = instances as Record<InstanceName, Instance>;
  return {
    mock,
    publicURL,
    instances: { A, B },
    close: async () => {
      await Promise.all([close(proxy), close(A.server), close(B.server), mock.close()]);
      await Promise.all([A.sessions.close(), B.sessions.close()]);
    },
  };
}

/** How a sign-in ended. Anything else (a 500, a hang, a refused connection) throws. */
export type Outcome =
  | { kind: 'signed-in'; name: string; uuid: string; answer: Answer }
  | { kind: 'failed'; message: string; answer: Answer }
  | { kind: 'unavailable'; message: string; answer: Answer }
  /** The callback signed the browser in, but its session was gone when read back (Redis restarted in between). */
  | { kind: 'lost'; answer: Answer };

/** What one sign-in does: which protocol, who approves at Bitbucket, where each leg goes. */
export interface SignIn {
  protocol: Protocol;
  user: MockUser;
  start: Target;
  finish: Target;
  /** Where the signed-in page is read. Default: the instance that did NOT finish (the session must be shared). */
  readFrom?: Target;
}

/** The origin a leg goes to. */
export function origin(cluster: Cluster, target: Target): string {
  return target === 'proxy' ? cluster.publicURL : cluster.instances[target].url;
}

function unexpected(step: string, answer: Answer): Error {
  return new Error(`${step}: unexpected ${answer.status} ${answer.location ?? ''} ${answer.text.slice(0, 200)}`);
}

/** A 503 page from the app, as an outcome; anything else that is not `expected` throws. */
function unavailable(step: string, answer: Answer): Outcome {
  const message = failureText(answer.text);
  if (answer.status === 503 && message) return { kind: 'unavailable', message, answer };
  throw unexpected(step, answer);
}

/** Step 1: `/auth/...` on `start`; returns Bitbucket's authorize URL (or the 503 outcome). */
export async function begin(browser: Browser, cluster: Cluster, s: SignIn): Promise<string | Outcome> {
  const answer = await browser.visit(`${origin(cluster, s.start)}${START_PATH[s.protocol]}`);
  if (answer.status === 302 && answer.location?.startsWith(cluster.mock.url)) return answer.location;
  return unavailable('start', answer);
}

/** Steps 2 and 3: Bitbucket approves as `s.user`, the callback goes to `s.finish`; then who is signed in. */
export async function finish(browser: Browser, cluster: Cluster, s: SignIn, authorizeURL: string): Promise<Outcome> {
  const approved = await approveAs(authorizeURL, s.user.uuid);
  if (approved.status !== 302 || !approved.location?.startsWith(cluster.publicURL))
    throw unexpected('authorize', approved);
  const at = origin(cluster, s.finish);
  const back = await browser.visit(onOrigin(approved.location, at));
  if (back.status !== 302) return unavailable('callback', back);
  if (back.location === '/login/failed') {
    // MemoryStore: the failure message is in the session of the instance that failed the callback.
    const failedOn = s.finish === 'proxy' ? origin(cluster, back.upstream as InstanceName) : at;
    const page = await browser.visit(`${failedOn}/login/failed`);
    const message = failureText(page.text);
    if (page.status === 200 && message) return { kind: 'failed', message, answer: page };
    return unavailable('failure page', page);
  }
  if (back.location !== '/') throw unexpected('callback', back);
  const readFrom = s.readFrom ?? (s.finish === 'proxy' ? 'proxy' : s.finish === 'A' ? 'B' : 'A');
  const home = await browser.visit(`${origin(cluster, readFrom)}/`);
  const who = signedInAs(home.text);
  if (home.status === 200 && who) return { kind: 'signed-in', ...who, answer: home };
  if (home.status === 200 && home.text.includes('<h1>Sign in to the example app</h1>'))
    return { kind: 'lost', answer: home };
  return unavailable('home', home);
}

/** One whole sign-in in its own browser. */
export async function signIn(cluster: Cluster, s: SignIn, browser = new Browser()): Promise<Outcome> {
  const authorizeURL = await begin(browser, cluster, s);
  return typeof authorizeURL === 'string' ? finish(browser, cluster, s, authorizeURL) : authorizeURL;
}

/** True when the outcome is `user` signed in (an error never is). */
export function isOwnUser(outcome: Outcome | Error, user: MockUser): boolean {
  return (
    !(outcome instanceof Error) &&
    outcome.kind === 'signed-in' &&
    outcome.name === user.displayName &&
    outcome.uuid === user.uuid
  );
}

/** Runs `task` over 0..n-1 with at most `limit` in flight. */
export async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
