import { BitbucketAPIError, BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
import { fixture } from '../fixtures/load';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  bearerTokenSeen,
  cloudOptions,
  errorTexts,
  expectNoCredentials,
  JDOE_UUID,
  requestsTo,
  useHarness,
} from './helpers';

guardProcess();

const PAT_UUID = '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}';

/** max.mails+N@example.org */
const mmail = (n: number): string => `max.mails+${n}@example.org`;

describe('the emails of a user with 12 addresses over 2 pages of 10 (mock user mmails)', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      // A configured pagelen is kept (by default 100 are asked for, and 12 fit on one page).
      new BitbucketOAuth2Strategy(
        cloudOptions(mock, { userEmailsURL: `${mock.url}/2.0/user/emails?pagelen=10` }),
        (_a, _r, profile, done) => {
          profiles.push(profile);
          done(null, { id: profile.id, email: profile.emails[0]?.value });
        },
      ),
  );
  beforeEach(() => profiles.splice(0));

  it('follows `next` to page 2, with the same Bearer token', async () => {
    await login(harness().app.agent(), { mockUser: 'mmails' });
    const pages = requestsTo(harness().mock, 'emails');
    // The first page's `pagelen` is kept when `next` names none (Bitbucket's documented `next` does not).
    expect(pages.map((r) => r.query)).toEqual([{ pagelen: '10' }, { page: '2', pagelen: '10' }]);
    expect(pages[1]?.headers.authorization).toBe(pages[0]?.headers.authorization);
    expect(profiles[0]?.emails).toHaveLength(12);
  });

  it('puts the primary address (found on page 2) first, then the confirmed ones, then the rest, each in Bitbucket’s order', async () => {
    const { callback } = await login(harness().app.agent(), { mockUser: 'mmails' });
    expect(callback?.body.user.email).toBe(mmail(11));
    expect(profiles[0]?.emails).toEqual([
      { value: mmail(11), primary: true, verified: true },
      ...[1, 2, 4, 5, 7, 8, 10].map((n) => ({ value: mmail(n), primary: false, verified: true })),
      ...[3, 6, 9, 12].map((n) => ({ value: mmail(n), primary: false, verified: false })),
    ]);
  });
});

describe('the emails of a user without a primary address (mock user Pat Private)', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id });
      }),
  );

  it('lists the unconfirmed address as neither primary nor verified', async () => {
    const { callback } = await login(harness().app.agent(), { mockUser: PAT_UUID });
    expect(callback?.body.user).toEqual({ id: PAT_UUID });
    expect(profiles[0]?.emails).toEqual([{ value: 'pat@example.net', primary: false, verified: false }]);
    expect(profiles[0]).not.toHaveProperty('emailsError');
  });
});

describe('a consumer without the email scope (Account: Read only)', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id });
      }),
    { mock: { clients: [{ ...DEFAULT_CLIENT, scopes: ['account'] }] } },
  );

  it('still signs the user in', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    expect(harness().app.errors).toEqual([]);
  });

  it('gives a profile without emails that says why, with Bitbucket’s message and scopes', async () => {
    await login(harness().app.agent());
    expect(profiles[0]?.emails).toEqual([]);
    expect(profiles[0]?.emailsError).toEqual({
      status: 403,
      message: 'Your credentials lack one or more required privilege scopes.',
      required: ['email'],
      granted: ['account'],
    });
    expect(profiles[0]?.username).toBe('jdoe');
  });
});

describe('a 403 on /2.0/user/emails', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id });
      }),
  );
  beforeEach(() => profiles.splice(0));

  it('exactly as bitbucket-facts.md shows it (November 2026): emailsError carries the required and granted scopes', async () => {
    harness().mock.setFault('emails', {
      kind: 'json',
      status: 403,
      body: fixture('cloud-error-403-scope.facts-2026-11.json').json,
    });
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    expect(profiles[0]?.emailsError).toEqual({
      status: 403,
      message: 'Your credentials lack one or more required privilege scopes.',
      required: ['email'],
      granted: ['account'],
    });
  });

  it('without scope details: emailsError has the message only', async () => {
    harness().mock.setFault('emails', { kind: 'deny' });
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(profiles[0]?.emails).toEqual([]);
    expect(profiles[0]?.emailsError).toEqual({ status: 403, message: 'Access denied.' });
  });
});

describe('maxEmailPages', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        { ...cloudOptions(mock), userEmailsURL: `${mock.url}/2.0/user/emails?pagelen=10`, maxEmailPages: 1 },
        (_a, _r, profile, done) => done(null, { id: profile.id }),
      ),
  );

  it('fails the login with a typed error when the emails have more pages than allowed', async () => {
    const { callback } = await login(harness().app.agent(), { mockUser: 'mmails' });
    expect(callback?.status).toBe(500);
    const [err] = harness().app.errors;
    expect(err).toBeInstanceOf(BitbucketAPIError);
    expect(err).toMatchObject({
      code: 'invalid_response',
      message: 'Bitbucket response emails go on past the maxEmailPages limit (1)',
    });
    expect(requestsTo(harness().mock, 'emails')).toHaveLength(1);
    expectNoCredentials([...errorTexts(err), callback?.text ?? ''], [bearerTokenSeen(harness().mock)]);
  });

  it('is no obstacle when every email fits on the pages allowed', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
  });
});

describe('a userProfileURL given alone (a proxy, a test server): the emails and workspaces are read beside it', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness((mock) => {
    const { userEmailsURL: _emails, userWorkspacesURL: _workspaces, ...endpoints } = mock.oauth2Endpoints();
    return new BitbucketOAuth2Strategy(
      {
        ...endpoints,
        clientID: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
        callbackURL: cloudOptions(mock).callbackURL,
        workspaces: ['acme'],
      },
      (_a, _r, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id });
      },
    );
  });
  beforeEach(() => profiles.splice(0));

  it('never sends the token to api.bitbucket.org, which the app did not name', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(requestsTo(harness().mock, 'emails')).toHaveLength(1);
    expect(requestsTo(harness().mock, 'workspaces')).toHaveLength(1);
    expect(profiles[0]?.emails[0]?.value).toBe('jane@example.com');
    expect(profiles[0]?.workspaces?.map((w) => w.slug)).toContain('acme');
  });
});
