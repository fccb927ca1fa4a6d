/**
 * The framework matrix (issue 18): for each framework cell and BOTH strategies, against one in-process mock
 * Bitbucket: a sign-in with the primary email, a denial ending on the failure path, two tabs of one person
 * finishing in either order, a replayed callback refused, a callback replayed after a denial refused before
 * any token request, and the `workspaces` gate (a member in, a non-member refused).
 *
 * NOTE: uses the npm registry (through npm's cache first): each cell installs its pinned framework versions
 * and the packed tarball into a temporary directory, once per run. `make test-frameworks` runs it.
 */
import fs from 'node:fs';
import { createMockBitbucket, type MockBitbucket, type MockEndpoint } from 'passport-bitbucket-oauth/testing';
import { packTarball, tempParent } from '../apps';
import { Browser, type Flow } from './browser';
import { CELLS, installCell, limited, type Cell } from './cells';
import { startApp, type RunningApp } from './server';

/** The mock's users: jdoe administers `acme`; mmails is a member (on page 2), primary email on page 2; Pat is in no workspace. */
const JDOE = { username: 'jdoe', email: 'jane@example.com' };
const MMAILS = { username: 'mmails', email: 'max.mails+11@example.org' };
const PAT_UUID = '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}';

/** Per flow: the mock endpoint that denies, and the one that trades the grant for tokens. */
const ENDPOINTS: Record<Flow, { authorize: MockEndpoint; token: MockEndpoint }> = {
  oauth2: { authorize: 'authorize', token: 'token' },
  oauth1: { authorize: 'oauth1Authorize', token: 'accessToken' },
  params: { authorize: 'authorize', token: 'token' },
};

let mock: MockBitbucket;
let parent = '';
const installs = new Map<string, Promise<string>>();

beforeAll(async () => {
  mock = await createMockBitbucket({ autoApprove: true });
  parent = tempParent();
  const tarball = packTarball(parent);
  const tasks = CELLS.map((cell) => () => installCell(cell, tarball, parent));
  limited(tasks, 2).forEach((installed, i) => {
    installed.catch(() => undefined);
    installs.set(CELLS[i]!.name, installed);
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(installs.values());
  await mock.close();
  if (parent !== '') fs.rmSync(parent, { recursive: true, force: true });
});

const tokenRequests = (flow: Flow): number => mock.requests.filter((r) => r.endpoint === ENDPOINTS[flow].token).length;

describe.each(CELLS.map((cell) => [cell.title, cell] as [string, Cell]))('%s', (_title, cell) => {
  let app: RunningApp | undefined;

  beforeAll(async () => {
    const dir = await installs.get(cell.name);
    if (dir === undefined) throw new Error(`no install of ${cell.name}`);
    app = await startApp(cell, dir, mock);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
  });

  afterEach(() => {
    mock.clearFaults();
    // The app's output helps only when something failed; it stays in the app, so it is read here.
    if (app && /Error|TypeError/.test(app.output())) process.stderr.write(`[${cell.name}] ${app.output()}\n`);
  });

  const browser = (flow: Flow): Browser => {
    if (!app) throw new Error(`${cell.name} did not start`);
    return new Browser(app.url, flow);
  };

  describe.each(['oauth2', 'oauth1'] as Flow[])('%s', (flow) => {
    it('signs a workspace member in with the primary email (both on page 2 of their lists)', async () => {
      const b = browser(flow);
      expect(await b.signIn(MMAILS.username)).toBe('signed in');
      expect(await b.user()).toMatchObject(MMAILS);
    });

    it('refuses a user in none of the allowed workspaces, on the failure path', async () => {
      const b = browser(flow);
      expect(await b.signIn(PAT_UUID)).toBe('failed');
      expect(await b.user()).toBeNull();
    });

    it('ends a denial at Bitbucket on the failure path, with nobody signed in', async () => {
      const b = browser(flow);
      const authorizeURL = await b.start();
      mock.setFault(ENDPOINTS[flow].authorize, { kind: 'deny' }, { times: 1 });
      expect(await b.finish(await b.authorize(authorizeURL))).toBe('failed');
      expect(await b.user()).toBeNull();
    });

    it.each([
      ['the first started finishes first', [0, 1]],
      ['the second started finishes first', [1, 0]],
    ])('signs one person in from two tabs: %s', async (_order, order) => {
      const b = browser(flow);
      const tabs = [await b.authorize(await b.start()), await b.authorize(await b.start())];
      for (const i of order) {
        expect(await b.finish(tabs[i]!)).toBe('signed in');
        expect(await b.user()).toMatchObject(JDOE);
      }
    });

    it('keeps a signed-in user signed in when a forged callback fails (a link from another site)', async () => {
      const b = browser(flow);
      expect(await b.signIn()).toBe('signed in');
      const forged =
        flow === 'oauth2'
          ? `/auth/${flow}/callback?error=access_denied`
          : `/auth/${flow}/callback?oauth_token=forged&oauth_verifier=forged`;
      expect(await b.finish(forged)).toBe('failed');
      expect(await b.user()).toMatchObject(JDOE);
    });

    it('refuses a replayed callback without asking Bitbucket again', async () => {
      const b = browser(flow);
      const callback = await b.authorize(await b.start());
      expect(await b.finish(callback)).toBe('signed in');
      const before = tokenRequests(flow);
      expect(await b.finish(callback)).toBe('failed');
      expect(tokenRequests(flow)).toBe(before);
    });

    it('refuses a grant for a sign-in that was denied, before any token request', async () => {
      const b = browser(flow);
      const authorizeURL = await b.start();
      mock.setFault(ENDPOINTS[flow].authorize, { kind: 'deny' }, { times: 1 });
      expect(await b.finish(await b.authorize(authorizeURL))).toBe('failed');
      // The denied sign-in's state (or request token) with a grant: Bitbucket's own for OAuth 2.0.
      const handle = new URL(authorizeURL).searchParams.get(flow === 'oauth2' ? 'state' : 'oauth_token') ?? '';
      const replay =
        flow === 'oauth2'
          ? await b.authorize(authorizeURL)
          : `/auth/oauth1/callback?oauth_token=${encodeURIComponent(handle)}&oauth_verifier=guessed`;
      const before = tokenRequests(flow);
      expect(await b.finish(replay)).toBe('failed');
      expect(tokenRequests(flow)).toBe(before);
      expect(await b.user()).toBeNull();
    });
  });

  if (cell.name === 'nestjs') {
    it('hands validate() the token response in the params form (PassportStrategy callbackArity)', async () => {
      const b = browser('params');
      expect(await b.signIn()).toBe('signed in');
      expect(await b.user()).toMatchObject({ ...JDOE, tokenType: 'bearer' });
    });
  }
});
