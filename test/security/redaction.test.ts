/**
 * A token endpoint (or a proxy in front of it) that echoes our request in its error answer: the client
 * secret must not survive into any error, whatever encoding the echo uses. One test per form, OAuth 2.0
 * and OAuth 1.0a PLAINTEXT (whose signature IS the encoded secrets).
 */
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { echoServer } from '../support/echo-server';
import { guardProcess } from '../support/process-guard';
import { errorTexts } from '../oauth2/helpers';

guardProcess();

/** A secret whose encodings all differ: reserved, non-ASCII and RFC 3986-only characters. */
const SECRET = "s3cr/t+&=%41 ~!*()'é";

const rfc3986 = (v: string): string =>
  encodeURIComponent(v).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const formEncoded = (v: string): string => new URLSearchParams({ s: v }).toString().slice(2);
const lowerHex = (v: string): string => v.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());

/** Each way an echo may carry the secret. */
const FORMS: [string, (secret: string) => string][] = [
  ['as is', (v) => v],
  ['percent-encoded once', (v) => encodeURIComponent(v)],
  ['RFC 3986-encoded once', rfc3986],
  ['form-encoded', formEncoded],
  ['percent-encoded twice', (v) => encodeURIComponent(encodeURIComponent(v))],
  ['RFC 3986-encoded twice (oauth_signature in a header)', (v) => rfc3986(rfc3986(v))],
  ['percent-encoded with lower-case hex', (v) => lowerHex(encodeURIComponent(v))],
  ['percent-encoded twice with lower-case hex', (v) => lowerHex(encodeURIComponent(encodeURIComponent(v)))],
];

/** Every form above: none may appear in an error. */
const everyForm = (secret: string): string[] => FORMS.map(([, encode]) => encode(secret));

describe.each(FORMS)('a token endpoint echoing the client secret %s', (_form, encode) => {
  let mock: MockBitbucket;
  let app: TestApp | undefined;
  beforeAll(async () => {
    mock = await createMockBitbucket({
      autoApprove: true,
      clients: [{ clientId: 'id', clientSecret: SECRET, callbackURL: 'http://127.0.0.1' }],
    });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await mock.close();
  });

  it('OAuth 2.0: the TokenError carries no form of it', async () => {
    const echo = await echoServer(() => ({
      status: 401,
      type: 'application/json',
      body: JSON.stringify({ error: 'invalid_client', error_description: `Bad secret ${encode(SECRET)} sent` }),
    }));
    try {
      const url = await reserveAppURL();
      app = await startApp(
        new BitbucketOAuth2Strategy(
          {
            ...mock.oauth2Endpoints(),
            tokenURL: echo.url,
            clientID: 'id',
            clientSecret: SECRET,
            callbackURL: `${url}/callback`,
          },
          (_a, _r, profile, done) => done(null, profile),
        ),
      );
      const agent = app.agent();
      const start = await agent.get('/login');
      const back = await fetch(String(start.headers.location), { redirect: 'manual' });
      const callback = new URL(String(back.headers.get('location')));
      expect((await agent.get(callback.pathname + callback.search)).status).toBe(500);
      const texts = errorTexts(app.errors[0]);
      expect(texts.join('\n')).toContain('Bad secret [REDACTED] sent');
      for (const text of texts) for (const form of everyForm(SECRET)) expect(text).not.toContain(form);
    } finally {
      await echo.close();
    }
  });

  it('OAuth 1.0a PLAINTEXT: neither the echoed header nor the echoed secret survives', async () => {
    // The signature part of our Authorization header first (messages are cut to one short line), then the secret.
    const echo = await echoServer((req) => ({
      status: 401,
      type: 'text/plain',
      body: `Bad ${/oauth_signature="[^"]*"/.exec(String(req.headers.authorization))?.[0] ?? ''} for ${encode(SECRET)}`,
    }));
    try {
      const url = await reserveAppURL();
      app = await startApp(
        new BitbucketStrategy(
          {
            ...mock.oauth1Endpoints(),
            requestTokenURL: echo.url,
            consumerKey: 'id',
            consumerSecret: SECRET,
            signatureMethod: 'PLAINTEXT',
            callbackURL: `${url}/callback`,
          },
          (_t, _s, profile, done) => done(null, profile),
        ),
      );
      expect((await app.agent().get('/login')).status).toBe(500);
      const texts = errorTexts(app.errors[0]);
      expect(texts.join('\n')).toContain('[REDACTED]');
      for (const text of texts) for (const form of everyForm(SECRET)) expect(text).not.toContain(form);
    } finally {
      await echo.close();
    }
  });
});
