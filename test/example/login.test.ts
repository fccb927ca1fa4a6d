/**
 * examples/login signs people in with both protocols against the mock Bitbucket, and out again.
 * Fixtures: the mock's default user `jdoe` (Jane Doe), whose fields follow Bitbucket's GET /2.0/user.
 */
import request from 'supertest';
import { sessionCookie, signIn, startHarness, storedSessions, tokenSeenByMock, type Harness } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.mock.close());

describe('signing in with OAuth 2.0', () => {
  it('shows the normalized profile, the granted scopes and the token expiry', async () => {
    const agent = request.agent(h.app);
    const back = await signIn(agent);
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/');

    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('Jane Doe');
    expect(home.text).toContain('@jdoe');
    expect(home.text).toContain('5c65cab48bcc9e016aeece31');
    expect(home.text).toContain('{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}');
    expect(home.text).toMatch(
      /jane@example\.com<\/span><span class="badge b-primary">primary<\/span><span class="badge b-ok">verified/,
    );
    expect(home.text).toContain('<span class="chip">account</span><span class="chip">email</span>');
    expect(home.text).toMatch(/in 2 hours \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(home.text).toContain(`src="${h.mock.url}/avatars/`);
  });

  it('never shows the access token, nor keeps it in the session', async () => {
    const agent = request.agent(h.app);
    await signIn(agent);
    const home = await agent.get('/').expect(200);
    const token = tokenSeenByMock(h.mock);
    expect(home.text).not.toContain(token);
    expect(home.text).not.toMatch(/access_token|refresh_token/);
    expect(await storedSessions(h.store)).not.toContain(token);
  });

  it('gives the browser a new session id at sign-in (Passport 0.7 regenerates it in req.login)', async () => {
    const agent = request.agent(h.app);
    const before = sessionCookie(await agent.get('/auth/bitbucket').expect(302));
    const answer = await fetch(String((await agent.get('/auth/bitbucket').expect(302)).headers.location), {
      redirect: 'manual',
    });
    const url = new URL(String(answer.headers.get('location')));
    const after = sessionCookie(await agent.get(`${url.pathname}${url.search}`).expect(302));
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after?.split(';')[0]).not.toBe(before?.split(';')[0]);
  });
});

describe('signing in with OAuth 1.0a', () => {
  it('shows the profile and says the protocol, with no token on the page', async () => {
    const agent = request.agent(h.app);
    const back = await signIn(agent, '/auth/bitbucket-oauth1');
    expect(back.headers.location).toBe('/');
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('Jane Doe');
    expect(home.text).toContain('jane@example.com');
    expect(home.text).toContain('<dd>OAuth 1.0a</dd>');
    expect(home.text).not.toContain(tokenSeenByMock(h.mock));
  });
});

describe('signing out', () => {
  it('destroys the session and clears the cookie', async () => {
    const agent = request.agent(h.app);
    await signIn(agent);
    const cookie = sessionCookie(await agent.get('/auth/bitbucket').expect(302));
    await signIn(agent);
    expect(await storedSessions(h.store)).toContain('Jane Doe');

    const out = await agent.post('/logout').expect(303);
    expect(out.headers.location).toBe('/');
    expect(sessionCookie(out)).toMatch(/^bitbucket-example\.sid=;.*Expires=Thu, 01 Jan 1970/);
    expect(await storedSessions(h.store)).toBe('{}');
    expect((await agent.get('/').expect(200)).text).toContain('Sign in with Bitbucket');
    // The old id is dead too, should someone have kept it.
    const replay = await request(h.app)
      .get('/')
      .set('Cookie', String(cookie?.split(';')[0]))
      .expect(200);
    expect(replay.text).not.toContain('Jane Doe');
  });

  it('only accepts POST, so a link on another site cannot sign anyone out', async () => {
    await request(h.app).get('/logout').expect(404);
  });

  it('ignores a form posted from another site: the browser keeps its cookie and the user stays signed in', async () => {
    const agent = request.agent(h.app);
    await signIn(agent);
    // With the cookie (a same-site attacker) or without it (SameSite=Lax held it back): no cookie is cleared.
    const crossSite = await agent.post('/logout').set('Sec-Fetch-Site', 'cross-site').expect(303);
    expect(sessionCookie(crossSite)).toBeUndefined();
    const noCookie = await request(h.app).post('/logout').expect(303);
    expect(sessionCookie(noCookie)).toBeUndefined();
    expect((await agent.get('/').expect(200)).text).toContain('Jane Doe');
    // The app's own page (same-origin) still signs out.
    const own = await agent.post('/logout').set('Sec-Fetch-Site', 'same-origin').expect(303);
    expect(sessionCookie(own)).toMatch(/^bitbucket-example\.sid=;/);
  });
});

describe('when sign-in fails', () => {
  it('tells a user who is signed in already that they still are, when a replayed callback fails', async () => {
    const agent = request.agent(h.app);
    const toBitbucket = await agent.get('/auth/bitbucket').expect(302);
    const granted = await fetch(String(toBitbucket.headers.location), { redirect: 'manual' });
    const callback = new URL(String(granted.headers.get('location')));
    await agent.get(callback.pathname + callback.search).expect(302);
    const replay = await agent.get(callback.pathname + callback.search).expect(302);
    expect(replay.headers.location).toBe('/login/failed');
    const page = await agent.get('/login/failed').expect(200);
    expect(page.text).toContain('you are still signed in');
    expect(page.text).not.toContain('You are not signed in');
    expect((await agent.get('/').expect(200)).text).toContain('Jane Doe');
  });

  it('lands on /login/failed with a plain message once the user clicks "Deny"', async () => {
    h.mock.setFault('authorize', { kind: 'deny' });
    const agent = request.agent(h.app);
    const back = await signIn(agent);
    expect(back.headers.location).toBe('/login/failed');
    const page = await agent.get('/login/failed').expect(200);
    expect(page.text).toContain('You did not allow access to your Bitbucket account.');
    // Shown once: a reload does not repeat a stale reason.
    expect((await agent.get('/login/failed')).text).toContain('The sign-in did not complete. Please try again.');
  });

  it('escapes the message, which may carry text from the callback URL', async () => {
    const agent = request.agent(h.app);
    const start = await agent.get('/auth/bitbucket').expect(302);
    // With this browser's own state, so Bitbucket's (here hostile) text is what the page shows.
    const hostile = new URLSearchParams({
      error: '<script>alert(1)</script>',
      error_description: '<img src=x onerror=alert(1)>',
      state: new URL(String(start.headers.location)).searchParams.get('state') ?? '',
    });
    const back = await agent.get(`/auth/bitbucket/callback?${hostile.toString()}`).expect(302);
    expect(back.headers.location).toBe('/login/failed');
    const page = await agent.get('/login/failed').expect(200);
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page.text).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;');
    expect(page.text).not.toMatch(/<script|<img src=x/);
  });

  it('shows a plain 502 page, never the error, when Bitbucket answers nonsense', async () => {
    h.mock.setFault('user', { kind: 'status', status: 500, body: 'stack trace with mock-client-secret' });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const agent = request.agent(h.app);
      const back = await signIn(agent);
      // Sent away from the callback's URL, whose one-time code and state must not stay in the address bar.
      expect([back.status, back.headers.location]).toEqual([303, '/login/unavailable']);
      const page = await agent.get('/login/unavailable').expect(502);
      expect(page.text).toContain('Bitbucket could not be reached or answered unexpectedly');
      expect(page.text).toContain('You are not signed in');
      expect(page.text).not.toMatch(/mock-client-secret|stack|\bat \w+ \(/);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/^\[sign-in\] \w+: [^\n]*$/);
    } finally {
      logged.mockRestore();
    }
  });
});
