/**
 * One deployment under attack: a mock Bitbucket, a programmable "hostile" server in front of it, and
 * two apps around one strategy each: `app` talks to the mock directly, `proxied` reads the profile
 * through the hostile server (which forwards to the mock unless a route is overridden).
 */
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Strategy } from 'passport';
import { BitbucketOAuth2Strategy, BitbucketStrategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  type MockBitbucket,
  type MockClient,
  type MockRequestRecord,
} from 'passport-bitbucket-oauth/testing';
import { appCallbackURL, reserveAppURL, startApp, type TestApp } from '../support/app';

/** The four strategy × deployment combinations. */
export type RigKind = 'oauth2-cloud' | 'oauth1-cloud' | 'oauth2-dc' | 'oauth1-dc';
export const RIG_KINDS: readonly RigKind[] = ['oauth2-cloud', 'oauth1-cloud', 'oauth2-dc', 'oauth1-dc'];

/** Per-call timeout of every strategy in these suites. */
export const TIMEOUT_MS = 500;

/** A distinctive consumer secret, so that any leak of it is found by a plain substring search. */
export const CLIENT_SECRET = 'S3CRET-hostile-7f1c9a2e44b0-client-secret';
export const CLIENT_ID = 'hostile-suite-client';
/** The session secret of test/support/app.ts. */
export const SESSION_SECRET = 'test-session-secret';

let keyPair: { publicKey: string; privateKey: string } | undefined;
/** One RSA key pair per test file, for Data Center application links (RSA-SHA1). */
export function rsaKeys(): { publicKey: string; privateKey: string } {
  keyPair ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return keyPair;
}

/** A request the hostile server received. */
export interface HostileRecord {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export type HostileHandler = (req: http.IncomingMessage, res: http.ServerResponse, hits: number) => void;

/** A server on 127.0.0.1:0 that forwards to the mock unless a path has a handler. */
export interface HostileServer {
  url: string;
  requests: HostileRecord[];
  /** Answers `path` (without query) with `handler` until {@link HostileServer.clear}. */
  on(path: string, handler: HostileHandler): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startHostile(upstream: string): Promise<HostileServer> {
  const handlers = new Map<string, HostileHandler>();
  const hits = new Map<string, number>();
  const requests: HostileRecord[] = [];
  const server = http.createServer((req, res) => {
    const url = String(req.url);
    requests.push({ method: String(req.method), url, headers: req.headers });
    const path = url.split('?')[0] ?? url;
    const handler = handlers.get(path);
    if (handler) {
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      // Drain the request so that the handler may answer at once.
      req.resume();
      return handler(req, res, n);
    }
    // NOTE: the Host header is forwarded unchanged, so OAuth 1.0a signatures made for this server verify.
    const forward = http.request(upstream + url, { method: req.method, headers: req.headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    on: (path, handler) => handlers.set(path, handler),
    clear: () => {
      handlers.clear();
      hits.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the verify callback hands to the app: enough to check the profile, no tokens. */
export interface SignedInUser {
  id: string;
  username: string | null;
  displayName: string;
  emails: string[];
  photos: string[];
  profileUrl: string | null;
  emailsError: BitbucketProfile['emailsError'] | null;
}

export function toUser(profile: BitbucketProfile): SignedInUser {
  return {
    id: profile.id,
    username: profile.username ?? null,
    displayName: profile.displayName,
    emails: profile.emails.map((e) => e.value),
    photos: profile.photos.map((p) => p.value),
    profileUrl: profile.profileUrl ?? null,
    emailsError: profile.emailsError ?? null,
  };
}

export interface Rig {
  kind: RigKind;
  oauth: 1 | 2;
  datacenter: boolean;
  mock: MockBitbucket;
  hostile: HostileServer;
  /** Talks to the mock directly. */
  app: TestApp;
  /** Reads the profile (user/emails, whoami/users) through `hostile`. */
  proxied: TestApp;
  /** OAuth 2.0 only: an app whose strategy uses PKCE (S256). */
  pkce: TestApp | null;
  /** Tokens the verify callbacks received. */
  verifiedTokens: string[];
  /** The id of the mock's default user as this deployment reports it. */
  expectedId: string;
  /** The profile endpoints of this deployment, as the fault table names them. */
  profileEndpoints: readonly ['user', 'emails'] | readonly ['whoami', 'dcUser'];
  /** Every secret a leak check looks for: the consumer secret, the private key, and every credential sent so far. */
  secrets(): string[];
  close(): Promise<void>;
}

function strategyFor(kind: RigKind, mock: MockBitbucket, via: string | null, tokens: string[], pkce = false): Strategy {
  const datacenter = kind.endsWith('-dc');
  const profileBase = via ?? mock.url;
  if (kind.startsWith('oauth2')) {
    const urls = datacenter
      ? {
          baseURL: mock.url,
          ...(via
            ? {
                userProfileURL: `${profileBase}/plugins/servlet/applinks/whoami`,
                userEmailsURL: `${profileBase}/rest/api/latest/users/`,
              }
            : {}),
        }
      : {
          ...mock.oauth2Endpoints(),
          userProfileURL: `${profileBase}/2.0/user`,
          userEmailsURL: `${profileBase}/2.0/user/emails`,
        };
    return new BitbucketOAuth2Strategy(
      {
        ...urls,
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: appCallbackURL(),
        timeout: TIMEOUT_MS,
        ...(pkce ? { pkce: 'S256' as const } : {}),
      },
      (accessToken, refreshToken, profile, done) => {
        tokens.push(accessToken, ...(refreshToken ? [refreshToken] : []));
        done(null, toUser(profile));
      },
    );
  }
  const urls = datacenter
    ? {
        baseURL: mock.url,
        privateKey: rsaKeys().privateKey,
        ...(via
          ? {
              userProfileURL: `${profileBase}/plugins/servlet/applinks/whoami`,
              userEmailsURL: `${profileBase}/rest/api/latest/users/`,
            }
          : {}),
      }
    : {
        ...mock.oauth1Endpoints(),
        consumerSecret: CLIENT_SECRET,
        userProfileURL: `${profileBase}/2.0/user`,
        userEmailsURL: `${profileBase}/2.0/user/emails`,
      };
  return new BitbucketStrategy(
    { ...urls, consumerKey: CLIENT_ID, callbackURL: appCallbackURL(), timeout: TIMEOUT_MS },
    (token, tokenSecret, profile, done) => {
      tokens.push(token, tokenSecret);
      done(null, toUser(profile));
    },
  );
}

/** What a server saw of a request, enough to find the credentials in it. */
interface SentRequest {
  endpoint?: MockRequestRecord['endpoint'];
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  query?: MockRequestRecord['query'];
}

/** The credentials in an `OAuth …` header (token, signature, verifier), decoded. */
function oauthHeaderCredentials(header: string): string[] {
  return [...header.matchAll(/(oauth_token|oauth_signature|oauth_verifier)="([^"]*)"/g)].map((m) =>
    decodeURIComponent(m[2] ?? ''),
  );
}

/** Every credential in requests received: bearer tokens, Basic credentials, codes, OAuth 1.0a tokens and verifiers. */
export function credentialsSent(requests: readonly SentRequest[]): string[] {
  const found: string[] = [];
  for (const r of requests) {
    const auth = r.headers.authorization;
    for (const value of Array.isArray(auth) ? auth : auth ? [auth] : []) {
      const bearer = /^(?:Bearer|Basic)\s+(\S+)/i.exec(value);
      if (bearer?.[1]) found.push(bearer[1]);
      // NOTE: the token OAuth 1.0a token requests carry is the request token, public: it is in the authorize URL.
      const tokenRequest = r.endpoint === 'requestToken' || r.endpoint === 'accessToken';
      if (/^OAuth\s/i.test(value) && !tokenRequest) found.push(...oauthHeaderCredentials(value));
    }
    const form = new URLSearchParams(r.body ?? '');
    for (const name of ['code', 'client_secret', 'refresh_token', 'code_verifier', 'oauth_verifier']) {
      const v = form.get(name);
      if (v) found.push(v);
    }
    const verifier = r.query?.oauth_verifier;
    if (typeof verifier === 'string') found.push(verifier);
  }
  return found;
}

export async function startRig(kind: RigKind): Promise<Rig> {
  const datacenter = kind.endsWith('-dc');
  const client: MockClient = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: 'http://127.0.0.1:',
    scopes: ['account', 'email'],
    ...(kind === 'oauth1-dc' ? { publicKey: rsaKeys().publicKey } : {}),
  };
  // cloudPkce 'enforce': the PKCE tests model a Cloud that checks the verifier (the mock ignores PKCE on Cloud by
  // default, since Bitbucket does not document it there).
  const mock = await createMockBitbucket({ autoApprove: true, clients: [client], cloudPkce: 'enforce' });
  const hostile = await startHostile(mock.url);
  // The mock checks OAuth 1.0a signatures against its own URL, not the Host header: tell it about the proxy.
  mock.addOrigin(hostile.url);
  const verifiedTokens: string[] = [];
  // Each app's port is opened before its strategy is built: the callback URL must be absolute.
  const appFor = async (via: string | null, pkce = false): Promise<TestApp> => {
    await reserveAppURL();
    return startApp(strategyFor(kind, mock, via, verifiedTokens, pkce));
  };
  const app = await appFor(null);
  const proxied = await appFor(hostile.url);
  const pkce = kind.startsWith('oauth2') ? await appFor(null, true) : null;
  const privateKeyLine = kind === 'oauth1-dc' ? (rsaKeys().privateKey.split('\n')[1] ?? '') : '';
  return {
    kind,
    oauth: kind.startsWith('oauth2') ? 2 : 1,
    datacenter,
    mock,
    hostile,
    app,
    proxied,
    pkce,
    verifiedTokens,
    expectedId: datacenter ? String(mock.users[0]!.dc!.id) : mock.users[0]!.uuid,
    profileEndpoints: datacenter ? (['whoami', 'dcUser'] as const) : (['user', 'emails'] as const),
    secrets: () =>
      [
        CLIENT_SECRET,
        SESSION_SECRET,
        privateKeyLine,
        ...verifiedTokens,
        ...credentialsSent(mock.requests),
        ...credentialsSent(hostile.requests),
      ].filter((s) => s.length >= 8),
    close: async () => {
      await app.close();
      await proxied.close();
      await pkce?.close();
      await hostile.close();
      await mock.close();
    },
  };
}

/** Everything written to the console or to stdout/stderr while `record` is on. */
export function captureOutput(): { text: () => string; restore: () => void } {
  const lines: string[] = [];
  const spies: jest.SpyInstance[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    spies.push(
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    spies.push(
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        lines.push(String(chunk));
        return original(chunk as string, ...rest);
      }) as typeof stream.write),
    );
  }
  return {
    text: () => lines.join('\n'),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
