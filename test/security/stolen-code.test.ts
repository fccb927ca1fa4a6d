/**
 * Authorization-code injection (RFC 9700 §2.1.1): an attacker who obtains a victim's unused code puts it
 * into a sign-in of their own, with their own valid state. PKCE binds the code to the browser that asked
 * for it, so the exchange fails and nobody is signed in as the victim.
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type { MockBitbucket } from 'passport-bitbucket-oauth/testing';
import type request from 'supertest';
import { followApp, lastMessage } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { authorizeOnly, cloudOptions, dataCenterOptions, formOf, requestsTo, useHarness } from '../oauth2/helpers';

guardProcess();

const EXPIRED = 'The sign-in link has expired or was already used. Please sign in again.';

/** The victim's browser gets a code it never delivers; the attacker delivers it with their own state. */
async function inject(mock: MockBitbucket, victim: request.Agent, attacker: request.Agent): Promise<request.Response> {
  const stolen = new URL(await authorizeOnly(victim, mock, 'mmails'), 'http://x').searchParams.get('code') ?? '';
  const ownPath = await authorizeOnly(attacker, mock);
  const ownState = new URL(ownPath, 'http://x').searchParams.get('state') ?? '';
  return attacker.get(`/callback?code=${stolen}&state=${ownState}`);
}

describe('a stolen code on Data Center defaults (PKCE S256 is on by default there)', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(dataCenterOptions(mock), (_a, _r, profile, done) =>
        done(null, { username: profile.username }),
      ),
  );

  it('cannot be redeemed in the attacker’s own sign-in: the verifier does not match, nobody signs in', async () => {
    const { app, mock } = harness();
    const attacker = app.agent();
    const callback = await inject(mock, app.agent(), attacker);
    expect(callback.headers.location).toBe('/failed');
    expect(lastMessage(await followApp(attacker, callback))).toBe(EXPIRED);
    expect((await attacker.get('/me')).body).toEqual({ user: null });
    const exchange = requestsTo(mock, 'token')[0]!;
    expect(formOf(exchange).code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('a stolen code on Cloud with pkce: true (opt-in: Bitbucket Cloud does not document PKCE)', () => {
  // NOTE: the mock ignores PKCE on Cloud by default, as Bitbucket's documentation gives no check there;
  // 'enforce' models a Cloud that checks it, which is what `pkce: true` relies on.
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock, { pkce: true }), (_a, _r, profile, done) =>
        done(null, { username: profile.username }),
      ),
    { mock: { cloudPkce: 'enforce' } },
  );

  it('cannot be redeemed in the attacker’s own sign-in', async () => {
    const { app, mock } = harness();
    const attacker = app.agent();
    const callback = await inject(mock, app.agent(), attacker);
    expect(lastMessage(await followApp(attacker, callback))).toBe(EXPIRED);
    expect((await attacker.get('/me')).body).toEqual({ user: null });
  });
});

describe('a stolen code on Cloud defaults (no PKCE): what the state alone cannot stop', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) =>
        done(null, { username: profile.username }),
      ),
  );

  it('is redeemed: this is why the README recommends pkce: true where Bitbucket Cloud honours it', async () => {
    const { app, mock } = harness();
    const attacker = app.agent();
    const callback = await inject(mock, app.agent(), attacker);
    expect(callback.body.user).toEqual({ username: 'mmails' });
  });
});
