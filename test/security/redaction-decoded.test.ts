/**
 * Issue 19: redaction sees what a reader sees. An endpoint (or a proxy in front of it) echoes a secret we sent
 * in a form a reader decodes at a glance: JSON `\u` escapes (all or some characters), HTML character
 * references, base64 (the Basic `id:secret` pair as a server decodes it, or the secret alone), a form encoder
 * that keeps `!` and writes a space as `+`. No form may reach any place a reader sees: the `TokenError`'s and
 * `BitbucketAPIError`'s messages, `profile.emailsError.message`, the DEBUG lines, the diagnostics events and
 * the example app's page. One table: every form × every place, over real HTTP against the mock.
 */
import type * as http from 'node:http';
import { MemoryStore } from 'express-session';
import { BitbucketStrategy } from 'passport-bitbucket-oauth';
import request from 'supertest';
import { createApp } from '../../examples/login/app';
import { captureChannels, captureDebug } from '../observe/capture';
import { textsIn } from '../observe/secrets';
import { errorTexts } from '../oauth2/helpers';
import { reserveAppURL, startApp } from '../support/app';
import { echoServer } from '../support/echo-server';
import { guardProcess } from '../support/process-guard';
import { useEchoRig } from './echo-rig';

guardProcess();
const lines = captureDebug();
const events = captureChannels();

const CLIENT_ID = 'echo-client';
/** Space, `!`, `+`, `/`, `~` and a non-ASCII letter: each encoder below writes it differently. */
const SECRET = 'Sup3r s3cret!key+/~é';

const hex4 = (c: string): string => c.charCodeAt(0).toString(16).padStart(4, '0');
const base64 = (v: string): string => Buffer.from(v, 'utf8').toString('base64');

/** Each form an echo may carry a secret in, as it is written into a JSON string or a page. */
const FORMS: [string, (secret: string) => string][] = [
  [
    'as JSON \\u escapes',
    (v) =>
      Array.from(v)
        .map((c) => `\\u${hex4(c)}`)
        .join(''),
  ],
  [
    'as JSON \\u escapes in upper case',
    (v) =>
      Array.from(v)
        .map((c) => `\\u${hex4(c).toUpperCase()}`)
        .join(''),
  ],
  [
    'with some characters JSON-escaped',
    (v) =>
      Array.from(v)
        .map((c, i) => (c === '/' ? '\\/' : i % 2 === 0 ? `\\u${hex4(c)}` : c))
        .join(''),
  ],
  [
    'as HTML character references',
    (v) =>
      Array.from(v)
        .map((c, i) => (i % 2 ? `&#${c.charCodeAt(0)};` : c))
        .join(''),
  ],
  ['form-encoded keeping ! and writing + for a space', (v) => encodeURIComponent(v).replace(/%20/g, '+')],
  ['in base64, alone', base64],
  ['in base64 after a prefix of one byte', (v) => base64(`:${v}`)],
  ['in base64 after a prefix of two bytes', (v) => base64(`x:${v}`)],
];

/** Every way a text could still carry the secret: as is, and in each form of the table. */
function leaks(text: string, secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), ...FORMS.map(([, encode]) => encode(secret))];
  return forms.filter((form) => text.includes(form));
}

/** The bearer token of a request. */
const bearer = (req: http.IncomingMessage): string =>
  /^Bearer (\S+)/.exec(String(req.headers.authorization))?.[1] ?? '';

/** Bitbucket's REST error envelope. */
const apiError = (status: number, message: string) => ({
  status,
  type: 'application/json',
  body: `{"type":"error","error":{"message":"${message}"}}`,
});

const rig = useEchoRig(CLIENT_ID, SECRET);

/** What the DEBUG lines and the diagnostics events of one test hold. */
function observed(): string[] {
  return [...lines, ...events.flatMap((e) => [...textsIn(e.message), ...textsIn(e.snapshot)])];
}

describe.each(FORMS)('a secret echoed %s', (_form, encode) => {
  beforeEach(() => {
    lines.length = 0;
    events.length = 0;
  });

  /** None of the texts, nor the DEBUG lines and events of the test, carries the secret; one shows [REDACTED]. */
  function expectRedacted(texts: string[], secret: string): void {
    expect(texts.join('\n')).toContain('[REDACTED]');
    for (const text of [...texts, ...observed()]) expect(leaks(text, secret)).toEqual([]);
  }

  /** A sign-in whose token endpoint answers 401 invalid_client with `description`; the app's error. */
  async function invalidClientSaying(description: string): Promise<Error | undefined> {
    const echo = rig.own(
      await echoServer(() => ({
        status: 401,
        type: 'application/json',
        body: `{"error":"invalid_client","error_description":"${description}"}`,
      })),
    );
    const app = rig.own(await rig.oauth2App({ tokenURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    return app.errors[0];
  }

  it('the client secret: not in the TokenError (OAuth 2.0 token endpoint)', async () => {
    const error = await invalidClientSaying(`Bad secret ${encode(SECRET)} sent`);
    expect(error?.name).toBe('TokenError');
    expectRedacted(errorTexts(error), SECRET);
  });

  it('the client ID and secret as a Basic pair: not in the TokenError', async () => {
    const error = await invalidClientSaying(`Bad credentials ${encode(`${CLIENT_ID}:${SECRET}`)}`);
    expectRedacted(errorTexts(error), SECRET);
  });

  it('the authorization code: not in the TokenError', async () => {
    let code = '';
    const echo = rig.own(
      await echoServer((_req, body) => {
        code = new URLSearchParams(body).get('code') ?? '';
        return {
          status: 400,
          type: 'application/json',
          body: `{"error":"invalid_request","error_description":"Code ${encode(code)} is unknown"}`,
        };
      }),
    );
    const app = rig.own(await rig.oauth2App({ tokenURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    expect(code.length).toBeGreaterThan(8);
    expectRedacted(errorTexts(app.errors[0]), code);
  });

  it('the access token: not in the BitbucketAPIError (profile endpoint)', async () => {
    let token = '';
    const echo = rig.own(
      await echoServer((req) => {
        token = bearer(req);
        return apiError(401, `Token ${encode(token)} has expired`);
      }),
    );
    const app = rig.own(await rig.oauth2App({ userProfileURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    expect(app.errors[0]?.name).toBe('BitbucketAPIError');
    const err = app.errors[0] as Error & { bitbucketMessage?: unknown };
    expectRedacted([...errorTexts(err), String(err.bitbucketMessage)], token);
  });

  it('the access token: not in profile.emailsError.message (emails endpoint)', async () => {
    let token = '';
    const echo = rig.own(
      await echoServer((req) => {
        token = bearer(req);
        return apiError(403, `Token ${encode(token)} lacks the email scope`);
      }),
    );
    const app = rig.own(await rig.oauth2App({ userEmailsURL: echo.url }));
    const res = await rig.signIn(app);
    expect(res.status).toBe(200);
    const emailsError = (res.body as { user: { emailsError: { message: string } | null } }).user.emailsError;
    expectRedacted([String(emailsError?.message)], token);
  });

  it('the consumer secret: not in the OAuth 1.0a TokenError (request-token endpoint)', async () => {
    const echo = rig.own(
      await echoServer(() => ({
        status: 401,
        type: 'text/plain',
        body: `Bad consumer secret ${encode(SECRET)}`,
      })),
    );
    const url = await reserveAppURL();
    const app = rig.own(
      await startApp(
        new BitbucketStrategy(
          {
            ...rig.mock().oauth1Endpoints(),
            requestTokenURL: echo.url,
            consumerKey: CLIENT_ID,
            consumerSecret: SECRET,
            callbackURL: `${url}/callback`,
          },
          (_t, _s, profile, done) => done(null, profile),
        ),
      ),
    );
    expect((await app.agent().get('/login')).status).toBe(500);
    expectRedacted(errorTexts(app.errors[0]), SECRET);
  });

  it("the access token: not on the example app's page (emails not shared)", async () => {
    let token = '';
    const echo = rig.own(
      await echoServer((req) => {
        token = bearer(req);
        return apiError(403, `Token ${encode(token)} lacks the email scope`);
      }),
    );
    const publicURL = 'http://127.0.0.1:3999';
    const example = createApp(
      {
        publicURL,
        sessionSecret: 'test-session-secret',
        oauth2: {
          clientID: CLIENT_ID,
          clientSecret: SECRET,
          ...rig.mock().oauth2Endpoints(),
          userEmailsURL: echo.url,
        },
        oauth1: null,
        mockURL: rig.mock().url,
      },
      { sessionStore: new MemoryStore() },
    );
    const agent = request.agent(example);
    const toBitbucket = await agent.get('/auth/bitbucket').expect(302);
    const back = await fetch(String(toBitbucket.headers.location), { redirect: 'manual' });
    const callback = new URL(String(back.headers.get('location')));
    expect((await agent.get(callback.pathname + callback.search)).status).toBe(302);
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('No email address was shared');
    expectRedacted([page.text], token);
  });
});
