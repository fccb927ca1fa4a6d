/**
 * One page of emails in the common case (issue 10): `/2.0/user/emails` is asked for with `pagelen=100`
 * (Bitbucket's documented maximum for paginated lists), `next` is still followed, and a 400 to the
 * parameter is retried once without it.
 */
import { BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  DEFAULT_USERS,
  type MockBitbucket,
  type MockUser,
} from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';
import { cloudOptions } from '../oauth2/helpers';

/** Jane Doe with `count` confirmed addresses, the primary one last. */
function userWithEmails(count: number): MockUser {
  const jane = DEFAULT_USERS[0]!;
  return {
    ...jane,
    emails: Array.from({ length: count }, (_, i) => ({
      email: `jane+${i + 1}@example.com`,
      primary: i === count - 1,
      confirmed: true,
    })),
  };
}

/** The next emails call answers 400, as Bitbucket would answer a `pagelen` it no longer takes. */
function refusePagelenOnce(mock: MockBitbucket): void {
  mock.setFault(
    'emails',
    { kind: 'status', status: 400, body: '{"type":"error","error":{"message":"Invalid pagelen"}}' },
    { times: 1 },
  );
}

async function withApp(
  users: MockUser[] | undefined,
  run: (mock: MockBitbucket, app: TestApp, profiles: BitbucketProfile[]) => Promise<void>,
): Promise<void> {
  const mock = await createMockBitbucket({ autoApprove: true, ...(users ? { users } : {}) });
  await reserveAppURL();
  const profiles: BitbucketProfile[] = [];
  const app = await startApp(
    new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => {
      profiles.push(profile);
      done(null, { id: profile.id });
    }),
  );
  try {
    await run(mock, app, profiles);
  } finally {
    await app.close();
    await mock.close();
  }
}

const emailQueries = (mock: MockBitbucket): unknown[] =>
  mock.requests.filter((r) => r.endpoint === 'emails').map((r) => r.query);

describe('reading /2.0/user/emails', () => {
  it('asks for 100 addresses a page: 12 addresses (mock user mmails) take one call', () =>
    withApp(undefined, async (mock, app, profiles) => {
      const { callback } = await login(app.agent(), { mockUser: 'mmails' });
      expect(callback?.status).toBe(200);
      expect(emailQueries(mock)).toEqual([{ pagelen: '100' }]);
      expect(profiles[0]?.emails).toHaveLength(12);
      expect(profiles[0]?.emails[0]).toEqual({ value: 'max.mails+11@example.org', primary: true, verified: true });
    }));

  it('still follows `next`: 150 addresses take two pages of 100, the primary one read from page 2', () =>
    withApp([userWithEmails(150)], async (mock, app, profiles) => {
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(200);
      expect(emailQueries(mock)).toEqual([{ pagelen: '100' }, { page: '2', pagelen: '100' }]);
      expect(profiles[0]?.emails).toHaveLength(150);
      expect(profiles[0]?.emails[0]?.value).toBe('jane+150@example.com');
    }));

  it('asks once more without pagelen when Bitbucket answers 400 to it, and signs the user in', () =>
    withApp(undefined, async (mock, app, profiles) => {
      refusePagelenOnce(mock);
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(200);
      expect(emailQueries(mock)).toEqual([{ pagelen: '100' }, {}]);
      expect(profiles[0]?.emails.map((e) => e.value)).toEqual(['jane@example.com', 'jane.doe@work.example.com']);
    }));

  it("after that 400, follows `next` in Bitbucket's default page size, never asking for pagelen=100 again", () =>
    withApp([userWithEmails(15)], async (mock, app, profiles) => {
      refusePagelenOnce(mock);
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(200);
      expect(emailQueries(mock)).toEqual([{ pagelen: '100' }, {}, { page: '2' }]);
      expect(profiles[0]?.emails).toHaveLength(15);
    }));

  it('retries only once: a second 400 fails the login', () =>
    withApp(undefined, async (mock, app) => {
      mock.setFault('emails', { kind: 'status', status: 400 }, { times: 2 });
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(500);
      expect(emailQueries(mock)).toEqual([{ pagelen: '100' }, {}]);
      expect(app.errors[0]?.message).toMatch(/\/2\.0\/user\/emails answered 400/);
    }));
});
