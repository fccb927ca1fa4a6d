/**
 * The rig of the redaction tests: the mock Bitbucket with one consumer whose secret the tests look for, apps whose
 * OAuth 2.0 strategy talks to it with some endpoints replaced by an echo server, and the sign-in through them.
 * What a test opens (`own`) is closed after it.
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import type request from 'supertest';
import { reserveAppURL, startApp, type TestApp } from '../support/app';

interface Closable {
  close(): Promise<void>;
}

export interface EchoRig {
  /** The mock Bitbucket, started before the file's tests. */
  mock(): MockBitbucket;
  /** Closes `thing` after the test. */
  own<T extends Closable>(thing: T): T;
  /** An app on the mock with `endpoints` replaced; verify keeps the profile's id and `emailsError`. */
  oauth2App(endpoints: Record<string, string>): Promise<TestApp>;
  /** Login → mock (approves) → callback; the callback's answer. */
  signIn(app: TestApp): Promise<request.Response>;
}

export function useEchoRig(clientId: string, clientSecret: string): EchoRig {
  let mock: MockBitbucket | undefined;
  const owned: Closable[] = [];
  beforeAll(async () => {
    mock = await createMockBitbucket({
      autoApprove: true,
      clients: [{ clientId, clientSecret, callbackURL: 'http://127.0.0.1' }],
    });
  });
  afterEach(async () => {
    for (const thing of owned.splice(0)) await thing.close();
  });
  afterAll(async () => {
    await mock?.close();
  });
  const started = (): MockBitbucket => {
    if (!mock) throw new Error('the mock is not started');
    return mock;
  };
  return {
    mock: started,
    own: (thing) => {
      owned.push(thing);
      return thing;
    },
    async oauth2App(endpoints) {
      const url = await reserveAppURL();
      return startApp(
        new BitbucketOAuth2Strategy(
          {
            ...started().oauth2Endpoints(),
            ...endpoints,
            clientID: clientId,
            clientSecret,
            callbackURL: `${url}/callback`,
          },
          (_a, _r, profile, done) => done(null, { id: profile.id, emailsError: profile.emailsError ?? null }),
        ),
      );
    },
    async signIn(app) {
      const agent = app.agent();
      const start = await agent.get('/login');
      const back = await fetch(String(start.headers.location), { redirect: 'manual' });
      const callback = new URL(String(back.headers.get('location')));
      return agent.get(callback.pathname + callback.search);
    },
  };
}
