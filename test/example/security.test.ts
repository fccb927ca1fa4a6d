/**
 * examples/login: no open redirect after sign-in, safe cookie flags, escaped profile fields,
 * and protective headers.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_USERS } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { safeReturnTo } from '../../examples/login/return-to';
import { sessionCookie, signIn, startHarness, type Harness } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.mock.close();
  h = undefined;
});

describe('returnTo', () => {
  it.each([
    ['a protocol-relative URL', '//evil.example'],
    ['a backslash path browsers read as a host', '/\\evil.example'],
    ['an absolute URL', 'https://evil.example'],
    ['a tab browsers drop', '/\t/evil.example'],
    ['a script URL', 'javascript:alert(1)'],
    ['a relative path', 'repos'],
    ['the sign-in route itself (a loop back to Bitbucket)', '/auth/bitbucket'],
    ['the sign-in failure page', '/login/failed'],
  ])('ignores %s (%j) and lands home', async (_what, returnTo) => {
    h = await startHarness();
    const agent = request.agent(h.app);
    const back = await signIn(agent, `/auth/bitbucket?returnTo=${encodeURIComponent(returnTo)}`);
    expect(back.headers.location).toBe('/');
  });

  it('honours a path on this site', async () => {
    h = await startHarness();
    const back = await signIn(request.agent(h.app), '/auth/bitbucket?returnTo=%2Frepos');
    expect(back.headers.location).toBe('/repos');
  });

  it('is honoured with OAuth 1.0a too', async () => {
    h = await startHarness();
    const back = await signIn(request.agent(h.app), '/auth/bitbucket-oauth1?returnTo=%2Frepos%3Ftab%3D1');
    expect(back.headers.location).toBe('/repos?tab=1');
  });

  it('belongs to its own sign-in: two tabs finishing in either order each return to their own page', async () => {
    h = await startHarness();
    const agent = request.agent(h.app);
    const start = async (returnTo: string): Promise<string> => {
      const toBitbucket = await agent.get(`/auth/bitbucket?returnTo=${encodeURIComponent(returnTo)}`).expect(302);
      const granted = await fetch(String(toBitbucket.headers.location), { redirect: 'manual' });
      const callback = new URL(String(granted.headers.get('location')));
      return callback.pathname + callback.search;
    };
    const a = await start('/?tab=A');
    const b = await start('/?tab=B');
    expect((await agent.get(b)).headers.location).toBe('/?tab=B');
    expect((await agent.get(a)).headers.location).toBe('/?tab=A');
  });

  it('is ignored when given twice, and a stale one is forgotten by the next sign-in', async () => {
    h = await startHarness();
    const agent = request.agent(h.app);
    expect((await signIn(agent, '/auth/bitbucket?returnTo=/a&returnTo=/b')).headers.location).toBe('/');
    await agent.get('/auth/bitbucket?returnTo=%2Frepos').expect(302); // abandoned half-way
    expect((await signIn(agent)).headers.location).toBe('/');
  });

  it('accepts only same-site paths (unit)', () => {
    expect(safeReturnTo('/repos?x=1#y')).toBe('/repos?x=1#y');
    const signInRoutes = [
      '/auth/bitbucket',
      '/AUTH/bitbucket',
      '/x/../auth/bitbucket',
      '/%2e%2e/auth/x',
      '/Login/failed',
    ];
    for (const bad of ['', '//x', '/\\x', '/a\\b', '/\nx', 'http://x', 'x', undefined, ['/a'], '/'.padEnd(2000, 'a')]) {
      expect(safeReturnTo(bad)).toBeNull();
    }
    for (const route of signInRoutes) expect(safeReturnTo(route)).toBeNull();
    expect(safeReturnTo('/authors')).toBe('/authors');
  });
});

describe('the session cookie', () => {
  it('is httpOnly, SameSite=Lax, and not Secure on plain http', async () => {
    h = await startHarness();
    const cookie = sessionCookie(await request(h.app).get('/auth/bitbucket').expect(302));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('is Secure when the app is served over https behind a proxy', async () => {
    h = await startHarness({ publicURL: 'https://app.example.com' });
    const res = await request(h.app).get('/auth/bitbucket').set('X-Forwarded-Proto', 'https').expect(302);
    expect(sessionCookie(res)).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('is not set for a visitor who only looks at the home page', async () => {
    h = await startHarness();
    expect(sessionCookie(await request(h.app).get('/').expect(200))).toBeUndefined();
  });
});

describe('the signed-in page', () => {
  it('escapes a hostile display name', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const [jane] = DEFAULT_USERS;
    if (!jane) throw new Error('the mock has no default user');
    h = await startHarness({ users: [{ ...jane, displayName: hostile, emails: jane.emails.map((e) => ({ ...e })) }] });
    const agent = request.agent(h.app);
    await signIn(agent);
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('<h1>&#60;img src&#61;x onerror&#61;alert(1)&#62;</h1>');
    expect(page.text).not.toContain(hostile);
  });
});

describe('every response', () => {
  it('carries a CSP that allows no script, and no X-Powered-By', async () => {
    h = await startHarness();
    const res = await request(h.app).get('/').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("pins the page's one stylesheet by its exact hash, so the styles apply and no other can", async () => {
    h = await startHarness();
    const res = await request(h.app).get('/').expect(200);
    const styles = [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256')
      .update(styles[0] ?? '')
      .digest('base64');
    expect(res.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(res.text).not.toMatch(/<script|\sstyle=|\son\w+=/);
  });

  it('answers unknown pages and malformed URLs with plain pages', async () => {
    h = await startHarness();
    expect((await request(h.app).get('/nope').expect(404)).text).toContain('There is no page at this address.');
    expect((await request(h.app).get('/%E0%A4%A').expect(404)).text).not.toMatch(/URIError|at \w+ \(/);
  });
});
