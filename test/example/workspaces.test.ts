/**
 * examples/login and workspaces: the signed-in page lists them (Cloud), and BITBUCKET_WORKSPACES keeps out
 * everyone who is in none of them. Fixtures: the mock's default users (Jane Doe administers `acme`; Pat Private
 * is in no workspace).
 */
import { MemoryStore } from 'express-session';
import { DEFAULT_USERS } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { createApp } from '../../examples/login/app';
import { ConfigError, readSettings } from '../../examples/login/config';
import { signIn, startHarness, type Harness } from './helpers';

let h: Harness | undefined;
afterEach(() => h?.mock.close());

/** The example app of the harness, rebuilt with `BITBUCKET_WORKSPACES` set to `workspaces`. */
function gated(harness: Harness, workspaces: string[]): ReturnType<typeof createApp> {
  return createApp({ ...harness.config, workspaces }, { sessionStore: new MemoryStore() });
}

describe('the signed-in page', () => {
  it("lists the user's workspaces, administrators marked (OAuth 2.0 and OAuth 1.0a)", async () => {
    h = await startHarness();
    for (const start of ['/auth/bitbucket', '/auth/bitbucket-oauth1']) {
      const agent = request.agent(h.app);
      await signIn(agent, start);
      const home = await agent.get('/').expect(200);
      expect(home.text).toContain('<h2>Workspaces</h2>');
      expect(home.text).toMatch(
        /<span>ACME<\/span>\s*<code>acme<\/code\s*><span class="badge b-primary">administrator<\/span>/,
      );
      expect(home.text).toMatch(/<code>jdoe<\/code\s*>/);
    }
  });

  it('says so when the user is in no workspace', async () => {
    h = await startHarness({ users: [DEFAULT_USERS[1]!] });
    const agent = request.agent(h.app);
    await signIn(agent);
    expect((await agent.get('/').expect(200)).text).toContain('No workspace.');
  });
});

describe('BITBUCKET_WORKSPACES', () => {
  it('lets a member of a listed workspace in', async () => {
    h = await startHarness();
    const agent = request.agent(gated(h, ['globex', 'ACME']));
    expect((await signIn(agent)).headers.location).toBe('/');
  });

  it('sends anyone else to the failure page with the message, signed out', async () => {
    h = await startHarness({ users: [DEFAULT_USERS[1]!] });
    const agent = request.agent(gated(h, ['acme']));
    const back = await signIn(agent);
    expect(back.headers.location).toBe('/login/failed');
    const page = await agent.get('/login/failed').expect(200);
    expect(page.text).toContain('Your Bitbucket account has no access to a workspace allowed to sign in here.');
    expect((await agent.get('/').expect(200)).text).not.toContain('Signed in as');
  });

  it('is read from the environment as a comma-separated list, and refused for Data Center or when empty', () => {
    expect(
      readSettings({ BITBUCKET_WORKSPACES: ' acme, {5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f} ,' }).workspaces,
    ).toEqual(['acme', '{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f}']);
    expect(readSettings({}).workspaces).toBeUndefined();
    expect(() => readSettings({ BITBUCKET_WORKSPACES: ',' })).toThrow(ConfigError);
    expect(() =>
      readSettings({
        BITBUCKET_WORKSPACES: 'acme',
        BITBUCKET_CLIENT_ID: 'id',
        BITBUCKET_CLIENT_SECRET: 'secret',
        BITBUCKET_BASE_URL: 'https://bitbucket.example.com',
      }),
    ).toThrow(/^BITBUCKET_WORKSPACES is a Bitbucket Cloud feature/);
  });
});
