/**
 * An echo in another character encoding, or with characters nobody sees between a secret's letters, must not carry
 * the secret either. A proxy that answers in UTF-16 puts a NUL byte beside each ASCII character: read as UTF-8,
 * the echoed token matched no redaction and reached the error message as "B e a r e r   a b c …". Bodies are now
 * decoded as UTF-16 by their BOM, charset or NULs, and redaction takes out NULs, zero-width characters, soft
 * hyphens and bidi controls first. Also odd error texts: Bitbucket's message is kept to one line of 500 characters,
 * and a JSON body nested too deep to be written out again still fails as a BitbucketAPIError, not a RangeError.
 * Over real HTTP: the mock, with one endpoint replaced by an echo server.
 */
import type * as http from 'node:http';
import { captureChannels, captureDebug } from '../observe/capture';
import { textsIn } from '../observe/secrets';
import { errorTexts } from '../oauth2/helpers';
import type { TestApp } from '../support/app';
import { echoServer } from '../support/echo-server';
import { guardProcess } from '../support/process-guard';
import { useEchoRig } from './echo-rig';

guardProcess();
const lines = captureDebug();
const events = captureChannels();

const CLIENT_ID = 'charset-client';
const SECRET = 'charset-client-secret-0123456789';

const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

/** Each way an echo may be written: content type and bytes. */
const ENCODINGS: [string, string, (text: string) => Buffer][] = [
  ['UTF-16LE, as its charset says', 'text/plain; charset=utf-16le', (t) => Buffer.from(t, 'utf16le')],
  ['UTF-16LE, without charset or BOM', 'text/plain', (t) => Buffer.from(t, 'utf16le')],
  ['UTF-16 with a little-endian BOM', 'text/plain; charset=utf-16', (t) => Buffer.from(`\ufeff${t}`, 'utf16le')],
  ['UTF-16BE with a BOM', 'text/plain', (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(t)])],
  ['UTF-16BE, as its charset says', 'application/json; charset="UTF-16BE"', utf16be],
  ['UTF-8 with a zero-width space after each letter', 'text/plain', (t) => Buffer.from(t.replace(/(.)/g, '$1\u200b'))],
  ['UTF-8 with a soft hyphen after each letter', 'text/plain', (t) => Buffer.from(t.replace(/(.)/g, '$1\u00ad'))],
  ['UTF-8 with a NUL after each letter', 'text/plain', (t) => Buffer.from(t.replace(/(.)/g, '$1\u0000'))],
  ['UTF-16BE, without charset or BOM', 'text/plain', utf16be],
  ['UTF-8 with a BOM', 'text/plain; charset=utf-8', (t) => Buffer.from(`\ufeff${t}`)],
  ['UTF-8 with one NUL (not UTF-16)', 'text/plain', (t) => Buffer.from(`\u0000${t}`)],
];

/** The secret as is, or with one character nobody sees (or the space `excerpt` makes of it) between its letters. */
function carries(text: string, secret: string): boolean {
  const between = '[\\s\\u0000\\u00ad\\u200b-\\u200f\\u2060\\ufeff]?';
  const letters = Array.from(secret).map((c) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'));
  return new RegExp(letters.join(between)).test(text);
}

/** Each character as a JSON `\u` escape, itself escaped: the JSON text `\\u0061` decodes to the text `\u0061`. */
const escapedTwice = (text: string): string =>
  Array.from(text)
    .map((c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');

/** The bearer token of a request. */
const bearer = (req: http.IncomingMessage): string =>
  /^Bearer (\S+)/.exec(String(req.headers.authorization))?.[1] ?? '';

const rig = useEchoRig(CLIENT_ID, SECRET);
beforeEach(() => {
  lines.length = 0;
  events.length = 0;
});

/** Every text of the app's error, the DEBUG lines and the events: the readable rest is there, the secret is not. */
function expectRedacted(app: TestApp, secret: string, readable: string): void {
  const texts = [
    ...errorTexts(app.errors[0]),
    ...lines,
    ...events.flatMap((e) => [...textsIn(e.message), ...textsIn(e.snapshot)]),
  ];
  expect(texts.join('\n')).toContain(readable);
  expect(texts.filter((text) => carries(text, secret))).toEqual([]);
}

describe.each(ENCODINGS)('an echo in %s', (_encoding, type, encode) => {
  it('keeps the access token out of the BitbucketAPIError, the DEBUG lines and the events', async () => {
    let token = '';
    const echo = rig.own(
      await echoServer((req) => {
        token = bearer(req);
        return { status: 401, type, body: encode(`Unauthorized: ${String(req.headers.authorization)}`) };
      }),
    );
    const app = rig.own(await rig.oauth2App({ userProfileURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    expect(app.errors[0]?.name).toBe('BitbucketAPIError');
    expect(token.length).toBeGreaterThan(8);
    expectRedacted(app, token, 'Unauthorized');
  });

  it('keeps the client secret (HTTP Basic) and the code out of the token error', async () => {
    let code = '';
    const echo = rig.own(
      await echoServer((req, body) => {
        code = new URLSearchParams(body).get('code') ?? '';
        const basic = Buffer.from(String(req.headers.authorization).slice('Basic '.length), 'base64').toString();
        return { status: 401, type, body: encode(`Refused: ${basic} with code ${code}`) };
      }),
    );
    const app = rig.own(await rig.oauth2App({ tokenURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    expect(code.length).toBeGreaterThan(8);
    expectRedacted(app, SECRET, 'Refused');
    expectRedacted(app, code, 'Refused');
  });
});

describe('odd error texts', () => {
  it('keeps bitbucketMessage to one line of at most 500 characters, without bidi controls', async () => {
    const message = `Token revoked\u202e.${'x'.repeat(5000)}\nSecond line`;
    const echo = rig.own(
      await echoServer(() => ({
        status: 401,
        type: 'application/json',
        body: JSON.stringify({ type: 'error', error: { message } }),
      })),
    );
    const app = rig.own(await rig.oauth2App({ userProfileURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    const err = app.errors[0] as Error & { bitbucketMessage?: string };
    expect(err.name).toBe('BitbucketAPIError');
    expect(err.bitbucketMessage?.startsWith('Token revoked.xxx')).toBe(true);
    expect(err.bitbucketMessage).toHaveLength(501);
    expect(err.bitbucketMessage).not.toMatch(/[\n\u202e]/);
  });

  it('redacts a JSON error body nested too deep to be written out again, and fails with a BitbucketAPIError', async () => {
    let token = '';
    const depth = 100_000;
    const echo = rig.own(
      await echoServer((req) => {
        token = bearer(req);
        return {
          status: 401,
          type: 'application/json',
          // An escape of an escape: only the pass over the decoded JSON sees the token, and then writes it out again.
          body: `{"echo":"${escapedTwice(token)}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        };
      }),
    );
    const app = rig.own(await rig.oauth2App({ userProfileURL: echo.url }));
    expect((await rig.signIn(app)).status).toBe(500);
    expect(app.errors[0]?.name).toBe('BitbucketAPIError');
    expectRedacted(app, token, 'answered 401');
  });
});
