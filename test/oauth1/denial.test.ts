import type { OAuth1DenyStyle } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { followApp, login, pathOf } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, startCloud, type CloudHarness } from './helpers';

guardProcess();

/**
 * How Bitbucket Cloud reports an OAuth 1.0a denial is undocumented (bitbucket-facts.md), so every style
 * the mock can send is handled. passport-bitbucket 2.0.0 read a callback without `oauth_token` as the
 * start of a new login and sent the user round the flow again, forever.
 */
const STYLES: [OAuth1DenyStyle, string, string][] = [
  ['denied', 'denied=<request token>', 'You did not allow access to your Bitbucket account.'],
  ['error', 'error=access_denied&oauth_token=…', 'You did not allow access to your Bitbucket account.'],
  [
    'oauth_problem',
    'oauth_problem=permissions_denied&oauth_token=…',
    'You did not allow access to your Bitbucket account.',
  ],
  ['no_verifier', 'oauth_token=… without oauth_verifier', 'Bitbucket sent you back without authorizing the sign-in.'],
  // Atlassian's OAuth service provider: the verifier is the word "denied" (the access-token call would fail).
  ['verifier_denied', 'oauth_token=…&oauth_verifier=denied', 'You did not allow access to your Bitbucket account.'],
];

describe.each(STYLES)('a user who denies access, reported as "%s" (%s)', (style, _shape, message) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await startCloud({ mock: { oauth1DenyStyle: style } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('ends at failureRedirect with a message, no login, and no new request token (no redirect loop)', async () => {
    h.bitbucket.setFault('oauth1Authorize', { kind: 'deny' }, { times: 1 });
    const agent = h.app.agent();
    const { authorize, callback } = await login(agent);
    expect(authorize.status).toBe(302);
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/failed');
    const failed = await followApp(agent, callback!);
    expect(failed.body).toEqual({ messages: [message] });
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(callsTo(h.bitbucket, 'requestToken')).toHaveLength(1);
    expect(callsTo(h.bitbucket, 'accessToken')).toEqual([]);
    expect(h.verified).toEqual([]);
    expect(h.app.errors).toEqual([]);
  });

  it('also when the user clicks "Deny" on the consent page', async () => {
    await h.close();
    h = await startCloud({ mock: { oauth1DenyStyle: style, autoApprove: false } });
    const agent = h.app.agent();
    const start = await agent.get('/login');
    const consent = await request(String(start.headers.location)).get('');
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Deny');
    const authorizeURL = new URL(String(start.headers.location));
    const token = authorizeURL.searchParams.get('oauth_token') ?? '';
    const decision = await request(`${authorizeURL.origin}${authorizeURL.pathname}`)
      .post('')
      .type('form')
      .send({ oauth_token: token, decision: 'deny' });
    expect(decision.status).toBe(302);
    const callback = await agent.get(pathOf(String(decision.headers.location)));
    expect(callback.headers.location).toBe('/failed');
    expect((await followApp(agent, callback)).body).toEqual({ messages: [message] });
    expect(callsTo(h.bitbucket, 'requestToken')).toHaveLength(1);
  });
});

describe('other errors Bitbucket may send back to the callback', () => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await startCloud();
  });
  afterEach(async () => {
    await h.close();
  });

  async function failureMessages(query: string): Promise<{ status: number; messages: string[] }> {
    const agent = h.app.agent();
    const callback = await agent.get(`/callback?${query}`);
    expect(callback.headers.location).toBe('/failed');
    const failed = await followApp(agent, callback);
    return { status: callback.status, messages: failed.body.messages };
  }

  /** Starts a real sign-in in a new browser and returns it with the request token Bitbucket issued. */
  async function started(): Promise<{ agent: ReturnType<CloudHarness['app']['agent']>; token: string }> {
    const agent = h.app.agent();
    const start = await agent.get('/login');
    return { agent, token: new URL(String(start.headers.location)).searchParams.get('oauth_token') ?? '' };
  }

  it('an error other than a denial, for a sign-in of this browser, is shown with its (shortened, one-line) description', async () => {
    const { agent, token } = await started();
    const description = `Something\nbroke ${'x'.repeat(300)}`;
    const query = new URLSearchParams({ error: 'server_error', error_description: description, oauth_token: token });
    const failed = await followApp(agent, await agent.get(`/callback?${query.toString()}`));
    expect(failed.body.messages).toEqual([
      `Bitbucket did not authorize the sign-in (server_error): Something broke ${'x'.repeat(184)}…`,
    ]);
  });

  it('an oauth_problem other than a denial, for a sign-in of this browser, is named in the message', async () => {
    const { agent, token } = await started();
    const failed = await followApp(
      agent,
      await agent.get(`/callback?oauth_problem=token_expired&oauth_token=${token}`),
    );
    expect(failed.body.messages).toEqual(['Bitbucket did not authorize the sign-in (token_expired)']);
  });

  it("an error for a request token this browser never asked for shows our fixed text, never the link's", async () => {
    const query = 'error=server_error&error_description=Call+0800+SCAM+to+restore+your+account&oauth_token=t';
    expect((await failureMessages(query)).messages).toEqual([
      'Bitbucket did not complete a sign-in started in this browser. Please sign in again.',
    ]);
    expect((await failureMessages('oauth_problem=token_expired&oauth_token=t')).messages).toEqual([
      'Bitbucket did not complete a sign-in started in this browser. Please sign in again.',
    ]);
  });

  it('a repeated or oversized callback parameter is refused as malformed before anything else', async () => {
    expect((await failureMessages('oauth_token=a&oauth_token=b&oauth_verifier=v')).messages).toEqual([
      'Malformed callback: "oauth_token" must appear once, as text',
    ]);
    expect((await failureMessages(`oauth_token=t&oauth_verifier=${'v'.repeat(2049)}`)).messages).toEqual([
      'Malformed callback: "oauth_verifier" is too long',
    ]);
    expect((await failureMessages('denied=a&denied=b')).messages).toEqual([
      'Malformed callback: "denied" must appear once, as text',
    ]);
    expect(callsTo(h.bitbucket, 'accessToken')).toEqual([]);
    expect(callsTo(h.bitbucket, 'requestToken')).toEqual([]);
  });
});
