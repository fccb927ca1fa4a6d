/**
 * Several OAuth 1.0a sign-ins pending in one browser, each keyed by its own request token: tabs never
 * overwrite each other's token secret, and a forged callback touches nothing.
 */
import { followApp, lastMessage } from '../support/flow';
import { JSONSessionStore } from '../support/json-session-store';
import { guardProcess } from '../support/process-guard';
import { approveWithoutReturning, callsTo, startCloud, type CloudHarness } from '../oauth1/helpers';

guardProcess();

const NOT_THIS_BROWSER =
  'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';

describe.each([
  ['express-session MemoryStore', (): JSONSessionStore | undefined => undefined],
  ['a session store that keeps only JSON', (): JSONSessionStore | undefined => new JSONSessionStore()],
])('OAuth 1.0a sign-ins pending in one browser, with %s', (_name, store) => {
  let h: CloudHarness;
  beforeEach(async () => {
    const sessionStore = store();
    h = await startCloud({ app: sessionStore ? { sessionStore } : {} });
  });
  afterEach(async () => {
    await h.close();
  });

  it('two tabs, either finishing first, both sign in with their own token secret', async () => {
    const agent = h.app.agent();
    const first = await approveWithoutReturning(agent);
    const second = await approveWithoutReturning(agent);
    const third = await approveWithoutReturning(agent);
    expect((await agent.get(second)).status).toBe(200);
    expect((await agent.get(first)).status).toBe(200);
    expect((await agent.get(third)).status).toBe(200);
    expect(callsTo(h.bitbucket, 'accessToken')).toHaveLength(3);
    expect(h.app.errors).toEqual([]);
  });

  it('a forged callback with a bogus token or a bare error in the middle changes nothing; the real one signs in', async () => {
    const agent = h.app.agent();
    const real = await approveWithoutReturning(agent);
    for (const forged of [
      '/callback?oauth_token=forged&oauth_verifier=v',
      '/callback?denied=forged',
      '/callback?error=server_error&error_description=Call+0800+SCAM',
    ]) {
      const failed = await followApp(agent, await agent.get(forged));
      expect(lastMessage(failed)).not.toContain('SCAM');
    }
    expect(callsTo(h.bitbucket, 'accessToken')).toEqual([]);
    expect((await agent.get(real)).status).toBe(200);
  });

  it('a ninth sign-in drops the oldest of the newer half (the fifth), which then fails cleanly without asking Bitbucket', async () => {
    const agent = h.app.agent();
    const paths: string[] = [];
    for (let i = 0; i < 9; i += 1) paths.push(await approveWithoutReturning(agent));
    const dropped = await agent.get(paths[4]!);
    expect(lastMessage(await followApp(agent, dropped))).toBe(NOT_THIS_BROWSER);
    expect(callsTo(h.bitbucket, 'accessToken')).toEqual([]);
    expect((await agent.get(paths[0]!)).status).toBe(200);
    expect((await agent.get(paths[8]!)).status).toBe(200);
  });

  it('a replayed callback fails and never reaches Bitbucket', async () => {
    const agent = h.app.agent();
    const path = await approveWithoutReturning(agent);
    expect((await agent.get(path)).status).toBe(200);
    expect(lastMessage(await followApp(agent, await agent.get(path)))).toBe(NOT_THIS_BROWSER);
    expect(callsTo(h.bitbucket, 'accessToken')).toHaveLength(1);
  });
});
