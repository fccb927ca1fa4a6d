/**
 * One mock Bitbucket and one app around one strategy, for each of the four ways to sign in (OAuth 2.0 or
 * OAuth 1.0a, Cloud or Data Center), and a browser that follows every redirect whatever happens.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketProfile,
  type VerifyCallback,
} from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  type MockBitbucket,
  type MockBitbucketOptions,
} from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { appCallbackURL, reserveAppURL, startApp, type TestApp } from '../support/app';
import { pathOf } from '../support/flow';

export type RigKind = 'oauth2-cloud' | 'oauth2-datacenter' | 'oauth1-cloud' | 'oauth1-datacenter';

/** A Data Center application link signs with RSA-SHA1: the key is made here, never stored. */
export const RSA = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const DC_LINK = { clientId: 'dc-application-link', clientSecret: 'not-used-with-rsa', publicKey: RSA.publicKey };

export interface Rig {
  kind: RigKind;
  mock: MockBitbucket;
  app: TestApp;
  strategy: BitbucketOAuth2Strategy | BitbucketStrategy;
  /** Every token and token secret the verify callback received. */
  received: string[];
  close(): Promise<void>;
}

/** Limits small enough that the `hang`, `drip` and `huge` faults end quickly. */
const LIMITS = { timeout: 300, maxResponseBytes: 64 * 1024 } as const;

/** How a rig differs from the default one. */
export interface RigOptions {
  /** Strategy options over the defaults (`undefined` removes one). */
  options?: Record<string, unknown>;
  mock?: MockBitbucketOptions;
  /** What the verify callback says: sign the user in (default), refuse them (with a message or not), fail with a string. */
  verify?: 'accept' | 'refuse' | 'refuse-quietly' | 'fail';
}

/** Starts a mock (approving at once) and an app whose strategy of `kind` talks to it. */
export async function startRig(kind: RigKind, o: RigOptions = {}): Promise<Rig> {
  const mock = await createMockBitbucket({ autoApprove: true, clients: [{ ...DEFAULT_CLIENT }, DC_LINK], ...o.mock });
  await reserveAppURL();
  const received: string[] = [];
  const remember = (a: string, b: string | undefined, done: VerifyCallback, id: string | undefined): void => {
    received.push(a, ...(b === undefined ? [] : [b]));
    if (o.verify === 'refuse') return done(null, false, { message: 'Not a member of this app' });
    if (o.verify === 'refuse-quietly') return done(null, false);
    // A JavaScript verify callback may fail with anything, not only an Error.
    if (o.verify === 'fail') return done('the user database is down');
    done(null, { id: id ?? null });
  };
  const common = { callbackURL: appCallbackURL(), ...LIMITS, ...o.options };
  const strategy =
    kind === 'oauth2-cloud' || kind === 'oauth2-datacenter'
      ? new BitbucketOAuth2Strategy(
          {
            ...(kind === 'oauth2-cloud' ? { ...mock.oauth2Endpoints(), pkce: true } : { baseURL: mock.url }),
            clientID: DEFAULT_CLIENT.clientId,
            clientSecret: DEFAULT_CLIENT.clientSecret,
            ...common,
          },
          (accessToken, refreshToken, profile, done) =>
            remember(accessToken, refreshToken, done, (profile as BitbucketProfile | undefined)?.id),
        )
      : new BitbucketStrategy(
          {
            ...(kind === 'oauth1-cloud'
              ? {
                  ...mock.oauth1Endpoints(),
                  consumerKey: DEFAULT_CLIENT.clientId,
                  consumerSecret: DEFAULT_CLIENT.clientSecret,
                }
              : { baseURL: mock.url, consumerKey: DC_LINK.clientId, privateKey: RSA.privateKey }),
            ...common,
          },
          (token, tokenSecret, profile, done) => remember(token, tokenSecret, done, profile.id),
        );
  const app = await startApp(strategy);
  return {
    kind,
    mock,
    app,
    strategy,
    received,
    close: async () => {
      await app.close();
      await mock.close();
    },
  };
}

/** What one run through the redirects produced. */
export interface Journey {
  /** Every `Location` the browser was sent to, in order. */
  locations: string[];
  /** The app's last answer: the callback's, or the first leg's when Bitbucket was never reached. */
  last: request.Response;
  /** The callback path and query, when Bitbucket sent the browser back. */
  callbackPath: string | null;
}

/**
 * Goes through a sign-in as a browser would, stopping wherever it ends: the first leg may fail (OAuth 1.0a's
 * request token), Bitbucket may show a page instead of redirecting, the callback may fail.
 */
export async function journey(rig: Rig, agent: request.Agent = rig.app.agent()): Promise<Journey> {
  const locations: string[] = [];
  const start = await agent.get('/login');
  const toBitbucket = start.headers.location;
  if (start.status !== 302 || typeof toBitbucket !== 'string') return { locations, last: start, callbackPath: null };
  locations.push(toBitbucket);
  const authorize = await request(toBitbucket).get('');
  const back = authorize.headers.location;
  if (authorize.status !== 302 || typeof back !== 'string' || !back.startsWith(rig.app.url)) {
    return { locations, last: start, callbackPath: null };
  }
  locations.push(back);
  const callbackPath = pathOf(back);
  const callback = await agent.get(callbackPath);
  if (typeof callback.headers.location === 'string') locations.push(callback.headers.location);
  return { locations, last: callback, callbackPath };
}
