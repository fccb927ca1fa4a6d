/**
 * Hostile callers: whoever crafts the callback URL. Forged, missing, replayed, foreign, oversized and
 * repeated parameters each end in a clean `fail()` (a message at failureRedirect, or a 4xx), never an
 * error or a sign-in, nothing of theirs is reflected as HTML, and the app signs the next user in.
 */
import type { MockEndpoint } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { pathOf } from '../support/flow';
import type { TestApp } from '../support/app';
import { guardProcess } from '../support/process-guard';
import { attempt } from './attempt';
import { captureOutput, RIG_KINDS, startRig, type Rig, type RigKind } from './rig';

guardProcess();

const MAX_PARAM = 2048;
const SCRIPT = '<script>alert(document.cookie)</script>';

type Agent = ReturnType<typeof request.agent>;

/** What a callback that matches no pending sign-in of this browser fails with. */
const NOT_THIS_BROWSER =
  'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';

/** Where a callback request ended. */
interface Landing {
  outcome: 'success' | 'fail' | 'rejected' | 'error';
  status: number;
  /** `fail`: what /failed shows (the last message is this attempt's). */
  messages: string[];
  userId: string | null;
}

interface Scenario {
  rig: Rig;
  app: TestApp;
  /** Every answer of ours the attacker or the victim saw. */
  responses: request.Response[];
  /** A browser of its own (its own cookie jar). */
  browser(): Agent;
  /** /login, then Bitbucket (approving as `mockUser`): the callback path and query, not yet visited. */
  startLogin(agent: Agent, mockUser?: string): Promise<string>;
  /** Visits a callback path and follows a failure to /failed. */
  land(agent: Agent, path: string): Promise<Landing>;
  /** How many token exchanges (OAuth 2.0 `token`, OAuth 1.0a `accessToken`) the mock has seen. */
  exchanges(): number;
}

interface Row {
  title: string;
  oauth: 1 | 2;
  run: (s: Scenario) => Promise<void>;
}

/** The callback path with some query parameters replaced (`null` removes one). */
function withParams(path: string, changes: Record<string, string | null>): string {
  const url = new URL(path, 'http://app.invalid');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.pathname + url.search;
}

/** Appends a raw query string to a path. */
function plus(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

function param(path: string, name: string): string {
  return new URL(path, 'http://app.invalid').searchParams.get(name) ?? '';
}

/** The id the deployment reports for the mock's third default user, `mmails`. */
function mmails(s: Scenario): string {
  return s.rig.datacenter ? String(s.rig.mock.users[2]!.dc!.id) : s.rig.mock.users[2]!.uuid;
}

/** A fail whose message at /failed matches. */
async function expectFail(s: Scenario, agent: Agent, path: string, message: RegExp | string): Promise<Landing> {
  const landing = await s.land(agent, path);
  expect(landing.outcome).toBe('fail');
  const last = landing.messages[landing.messages.length - 1] ?? '';
  if (typeof message === 'string') expect(last).toBe(message);
  else expect(last).toMatch(message);
  return landing;
}

/** Rows for both protocols: parameters no honest redirect carries. */
function parameterRows(oauth: 1 | 2): Row[] {
  const names = oauth === 2 ? ['code', 'state'] : ['oauth_token', 'oauth_verifier'];
  const rows: Row[] = [];
  for (const name of names) {
    rows.push(
      {
        title: `an oversized "${name}" (${MAX_PARAM + 1} characters) is refused before any exchange`,
        oauth,
        run: async (s) => {
          const agent = s.browser();
          const back = await s.startLogin(agent);
          await expectFail(
            s,
            agent,
            withParams(back, { [name]: 'a'.repeat(MAX_PARAM + 1) }),
            `Malformed callback: "${name}" is too long`,
          );
          expect(s.exchanges()).toBe(0);
        },
      },
      {
        title: `a repeated "${name}" (?${name}=a&${name}=b) is refused before any exchange`,
        oauth,
        run: async (s) => {
          const agent = s.browser();
          const back = await s.startLogin(agent);
          await expectFail(
            s,
            agent,
            plus(back, `${name}=${encodeURIComponent(param(back, name))}`),
            `Malformed callback: "${name}" must appear once, as text`,
          );
          await expectFail(
            s,
            agent,
            plus(withParams(back, { [name]: 'a' }), `${name}=b`),
            `Malformed callback: "${name}" must appear once, as text`,
          );
          expect(s.exchanges()).toBe(0);
          // The genuine callback still works: nothing was used up.
          expect((await s.land(agent, back)).outcome).toBe('success');
        },
      },
      {
        // Express 5's query parser (like Koa's and Fastify's) keeps "code[]" as a key of its own.
        title: `"${name}[]" in place of "${name}" is refused, not taken for a first leg that starts a new sign-in`,
        oauth,
        run: async (s) => {
          const agent = s.browser();
          const back = await s.startLogin(agent);
          const bracketed = plus(
            withParams(back, { [name]: null }),
            `${name}%5B%5D=${encodeURIComponent(param(back, name))}`,
          );
          await expectFail(s, agent, bracketed, `Malformed callback: "${name}" must appear once, as text`);
          expect(s.exchanges()).toBe(0);
          expect((await s.land(agent, back)).outcome).toBe('success');
        },
      },
    );
  }
  const leg = oauth === 2 ? 'code' : 'oauth_token';
  rows.push({
    title: `an empty "${leg}" is refused, not taken for a first leg that starts a new sign-in`,
    oauth,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      await expectFail(s, agent, withParams(back, { [leg]: '' }), `Malformed callback: "${leg}" is empty`);
      expect(s.exchanges()).toBe(0);
      expect((await s.land(agent, back)).outcome).toBe('success');
    },
  });
  rows.push(
    {
      title: `an "error_description" with ${SCRIPT} is shown as plain, shortened text and never as HTML`,
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        const description = `${SCRIPT}\r\n<img src=x onerror=alert(1)>${'x'.repeat(1500)}`;
        const landing = await expectFail(
          s,
          agent,
          withParams(back, { error: 'invalid_scope', error_description: description }),
          /^Bitbucket did not authorize the sign-in \(invalid_scope\): <script>alert\(document\.cookie\)<\/script> <img src=x onerror=alert\(1\)>x+…$/,
        );
        const message = landing.messages[landing.messages.length - 1]!;
        expect(message.length).toBeLessThanOrEqual(300);
        expect(message).not.toMatch(/[\r\n]/);
        expect(s.exchanges()).toBe(0);
      },
    },
    {
      title: 'an "error_description" with Unicode line separators and bidi overrides is shown as one plain line',
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        const description = 'Access\u2028Granted\u0085to\u202eredocne\u202cyou\u2029';
        await expectFail(
          s,
          agent,
          withParams(back, { error: 'server_error', error_description: description }),
          'Bitbucket did not authorize the sign-in (server_error): Access Granted to redocne you',
        );
      },
    },
    {
      title: 'an "error" that is itself HTML is shortened and shown as text',
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        const error = `<iframe src="javascript:alert(1)">${'y'.repeat(500)}`;
        const landing = await expectFail(
          s,
          agent,
          withParams(back, { error }),
          /^Bitbucket did not authorize the sign-in \(<iframe src="javascript:alert\(1\)">y+…\)$/,
        );
        expect(landing.messages[landing.messages.length - 1]!.length).toBeLessThan(120);
      },
    },
    {
      title: 'error=access_denied with a 2,000-character description: the plain denial message, nothing of theirs',
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        await expectFail(
          s,
          agent,
          withParams(back, {
            error: 'access_denied',
            error_description: `${SCRIPT}${'z'.repeat(2000 - SCRIPT.length)}`,
          }),
          'You did not allow access to your Bitbucket account.',
        );
      },
    },
    {
      title: 'error=access_denied with a 10,000-character description is refused as malformed',
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        await expectFail(
          s,
          agent,
          withParams(back, { error: 'access_denied', error_description: 'z'.repeat(10_000) }),
          'Malformed callback: "error_description" is too long',
        );
      },
    },
    {
      title: 'error=access_denied with a 200 KB description is refused by the server itself (431), and the app goes on',
      oauth,
      run: async (s) => {
        const agent = s.browser();
        const back = await s.startLogin(agent);
        const huge = withParams(back, { error: 'access_denied', error_description: 'z'.repeat(200_000) });
        const status = await agent.get(huge).then(
          (res) => res.status,
          (err: unknown) => (err as { code?: string }).code ?? 'error',
        );
        // Node answers 431 and closes the connection; the client may see either.
        expect([431, 'ECONNRESET', 'EPIPE']).toContain(status);
        expect(s.exchanges()).toBe(0);
      },
    },
  );
  return rows;
}

/** OAuth 2.0: state and code. */
const oauth2Rows: Row[] = [
  {
    title: 'a callback without "state" is refused before any exchange',
    oauth: 2,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      await expectFail(s, agent, withParams(back, { state: null }), NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(0);
    },
  },
  {
    title: 'a forged "state" is refused before any exchange',
    oauth: 2,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      await expectFail(s, agent, withParams(back, { state: 'forged-state-0123456789' }), NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(0);
    },
  },
  {
    title: "a code from another user's session (A's callback URL opened in browser B) signs nobody in",
    oauth: 2,
    run: async (s) => {
      const a = s.browser();
      const b = s.browser();
      const backA = await s.startLogin(a, 'jdoe');
      const backB = await s.startLogin(b, 'mmails');
      await expectFail(s, b, backA, NOT_THIS_BROWSER);
      expect((await b.get('/me')).body.user).toBeNull();
      expect(s.exchanges()).toBe(0);
      // Neither sign-in was used up: a callback that matches nothing touches no pending sign-in
      // (passport-oauth2's own store forgot B's state here, and B had to start again).
      expect((await s.land(a, backA)).userId).toBe(s.rig.expectedId);
      expect((await s.land(b, backB)).userId).toBe(mmails(s));
    },
  },
  {
    title: 'a callback from a browser with no session cookie is refused before any exchange',
    oauth: 2,
    run: async (s) => {
      const victim = s.browser();
      const back = await s.startLogin(victim);
      await expectFail(s, s.browser(), back, NOT_THIS_BROWSER);
      const cookieless = await request(s.app.url).get(back);
      s.responses.push(cookieless);
      expect(cookieless.status).toBe(302);
      expect(cookieless.headers.location).toBe('/failed');
      expect(s.exchanges()).toBe(0);
      expect((await s.land(victim, back)).outcome).toBe('success');
    },
  },
  {
    title: 'a replayed callback URL is refused, and a replayed code with a fresh state is refused by Bitbucket',
    oauth: 2,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      expect((await s.land(agent, back)).outcome).toBe('success');
      await expectFail(s, agent, back, NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(1);
      const fresh = await s.startLogin(agent);
      await expectFail(
        s,
        agent,
        withParams(fresh, { code: param(back, 'code') }),
        'The sign-in link has expired or was already used. Please sign in again.',
      );
      expect(s.exchanges()).toBe(2);
      // Still signed in as before: a failed replay changes nothing.
      expect((await agent.get('/me')).body.user.id).toBe(s.rig.expectedId);
    },
  },
  {
    title: "with PKCE, a code from another browser's login sent with this browser's own state is refused by Bitbucket",
    oauth: 2,
    run: async (s) => {
      const pkceApp = s.rig.pkce!;
      const a = pkceApp.agent();
      const b = pkceApp.agent();
      const backA = await s.startLogin(a, 'jdoe');
      const backB = await s.startLogin(b, 'mmails');
      expect(
        s.rig.mock.requests.filter((r) => r.endpoint === 'authorize' && r.query.code_challenge_method === 'S256'),
      ).not.toHaveLength(0);
      // A's code with B's state gets past state; the code was issued for A's code_challenge, B sends B's verifier.
      await expectFail(
        s,
        b,
        withParams(backB, { code: param(backA, 'code') }),
        'The sign-in link has expired or was already used. Please sign in again.',
      );
      expect((await b.get('/me')).body.user).toBeNull();
      expect(s.exchanges()).toBe(1);
      // B signs in as B's user by starting again.
      expect((await s.land(b, await s.startLogin(b, 'mmails'))).userId).toBe(mmails(s));
    },
  },
];

/** OAuth 1.0a: request tokens and verifiers. */
const oauth1Rows: Row[] = [
  {
    title: "an oauth_token from another session (A's callback URL opened in browser B) signs nobody in",
    oauth: 1,
    run: async (s) => {
      const a = s.browser();
      const b = s.browser();
      const backA = await s.startLogin(a, 'jdoe');
      const backB = await s.startLogin(b, 'mmails');
      await expectFail(s, b, backA, NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(0);
      // B's own sign-in was not used up by the attempt, nor was A's.
      const landedA = await s.land(a, backA);
      const landedB = await s.land(b, backB);
      expect([landedA.userId, landedB.userId]).toEqual([s.rig.expectedId, mmails(s)]);
    },
  },
  {
    title: 'a callback from a browser with no session cookie is refused before any exchange',
    oauth: 1,
    run: async (s) => {
      const victim = s.browser();
      const back = await s.startLogin(victim);
      await expectFail(s, s.browser(), back, NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(0);
      expect((await s.land(victim, back)).outcome).toBe('success');
    },
  },
  {
    title: 'a callback without oauth_verifier is refused before any exchange',
    oauth: 1,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      await expectFail(
        s,
        agent,
        withParams(back, { oauth_verifier: null }),
        'Bitbucket sent you back without authorizing the sign-in.',
      );
      expect(s.exchanges()).toBe(0);
    },
  },
  {
    title: 'a forged oauth_verifier is refused by Bitbucket, and the request token dies with it',
    oauth: 1,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      await expectFail(
        s,
        agent,
        withParams(back, { oauth_verifier: 'forged-verifier' }),
        'The sign-in link has expired or was already used. Please sign in again.',
      );
      expect(s.exchanges()).toBe(1);
      // The genuine callback, after that: the pending sign-in was spent by the first attempt (single use),
      // so Bitbucket is not even asked.
      await expectFail(s, agent, back, NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(1);
    },
  },
  {
    title:
      "a replayed callback URL is refused, and a replayed verifier with this session's new token is refused by Bitbucket",
    oauth: 1,
    run: async (s) => {
      const agent = s.browser();
      const back = await s.startLogin(agent);
      expect((await s.land(agent, back)).outcome).toBe('success');
      await expectFail(s, agent, back, NOT_THIS_BROWSER);
      expect(s.exchanges()).toBe(1);
      // A new sign-in in the same browser, its token sent with the OLD verifier before Bitbucket approved it.
      const start = await agent.get('/login');
      s.responses.push(start);
      const newToken = new URL(String(start.headers.location)).searchParams.get('oauth_token')!;
      await expectFail(
        s,
        agent,
        withParams(back, { oauth_token: newToken }),
        'The sign-in link has expired or was already used. Please sign in again.',
      );
      expect(s.exchanges()).toBe(2);
      expect((await agent.get('/me')).body.user.id).toBe(s.rig.expectedId);
    },
  },
];

function rowsFor(kind: RigKind): Row[] {
  const oauth = kind.startsWith('oauth2') ? 2 : 1;
  return [...(oauth === 2 ? oauth2Rows : oauth1Rows), ...parameterRows(oauth)];
}

describe.each(RIG_KINDS)('%s against hostile callers', (kind) => {
  let rig: Rig;
  let output: ReturnType<typeof captureOutput> | undefined;
  const exchangeEndpoint: MockEndpoint = kind.startsWith('oauth2') ? 'token' : 'accessToken';

  beforeAll(async () => {
    rig = await startRig(kind);
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    output?.restore();
  });

  it.each(rowsFor(kind))('$title', async (row) => {
    const app = rig.app;
    const errorsBefore = app.errors.length;
    const requestsBefore = rig.mock.requests.length;
    const responses: request.Response[] = [];
    const scenario: Scenario = {
      rig,
      app,
      responses,
      browser: () => app.agent(),
      startLogin: async (agent, mockUser) => {
        const start = await agent.get('/login');
        responses.push(start);
        expect(start.status).toBe(302);
        let call = request(String(start.headers.location)).get('');
        if (mockUser !== undefined) call = call.set('x-mock-user', mockUser);
        const authorize = await call;
        expect(authorize.status).toBe(302);
        return pathOf(String(authorize.headers.location));
      },
      land: async (agent, path) => {
        const res = await agent.get(path);
        responses.push(res);
        if (res.status === 200 && res.body?.user) {
          return { outcome: 'success', status: 200, messages: [], userId: res.body.user.id };
        }
        if (res.status === 302 && res.headers.location === '/failed') {
          const failed = await agent.get('/failed');
          responses.push(failed);
          expect(failed.headers['content-type']).toMatch(/^application\/json/);
          return { outcome: 'fail', status: 302, messages: failed.body.messages, userId: null };
        }
        return { outcome: res.status === 500 ? 'error' : 'rejected', status: res.status, messages: [], userId: null };
      },
      exchanges: () => rig.mock.requests.slice(requestsBefore).filter((r) => r.endpoint === exchangeEndpoint).length,
    };

    await row.run(scenario);

    // Rejected cleanly: nothing reached the error handler.
    expect(app.errors.slice(errorsBefore)).toEqual([]);
    // Nothing of ours serves the attacker's text as HTML.
    for (const res of responses) {
      const type: string = res.headers['content-type'] ?? '';
      if (/html/i.test(type)) expect(res.text).not.toMatch(/<script|<img|<iframe|onerror/i);
    }
    // No credential in any answer or any log line.
    const exposed = [...responses.map((r) => `${JSON.stringify(r.headers)} ${r.text}`), output!.text()].join('\n');
    for (const secret of rig.secrets()) expect(exposed).not.toContain(secret);
    // The app signs the next user in.
    const next = await attempt(app);
    expect(next.outcome).toBe('success');
  });
});
