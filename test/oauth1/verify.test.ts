import type { Request } from 'express';
import { BitbucketStrategy, type BitbucketProfile, type VerifyCallback } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { cloudOptions, JANE } from './helpers';

guardProcess();

/** The access token answer's other fields. */
type Params = Record<string, string>;

// NOTE: the 4-parameter forms are typed from the overloads; the forms with `params` annotate their
// parameters, because TypeScript cannot pick an overload by the arity of an unannotated arrow function.

/** What a verify callback saw, whatever its arity. */
interface Seen {
  arity: number;
  req?: string;
  token: string;
  tokenSecret: string;
  params?: Record<string, string>;
  profileId: string;
}

describe('the verify callback of BitbucketStrategy, in each of its four shapes', () => {
  let bitbucket: MockBitbucket;
  let app: TestApp | undefined;
  let seen: Seen[];

  beforeEach(async () => {
    bitbucket = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    seen = [];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await bitbucket.close();
  });

  async function loginWith(strategy: BitbucketStrategy): Promise<Seen> {
    app = await startApp(strategy);
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JANE.uuid });
    expect(seen).toHaveLength(1);
    const call = seen[0]!;
    expect(call.profileId).toBe(JANE.uuid);
    expect(call.token).toMatch(/^[\w-]+$/);
    expect(call.tokenSecret).toMatch(/^[\w-]+$/);
    expect(call.token).not.toBe(call.tokenSecret);
    return call;
  }

  const done = (profile: BitbucketProfile, cb: (err: null, user: object) => void): void => cb(null, { id: profile.id });
  const describeReq = (req: Request): string => `${req.method} ${req.path}`;

  it('(token, tokenSecret, profile, done)', async () => {
    const call = await loginWith(
      new BitbucketStrategy(cloudOptions(bitbucket), (token, tokenSecret, profile, cb) => {
        seen.push({ arity: 4, token, tokenSecret, profileId: profile.id });
        done(profile, cb);
      }),
    );
    expect(call.arity).toBe(4);
  });

  it("(token, tokenSecret, params, profile, done): params holds the access token answer's other fields", async () => {
    const call = await loginWith(
      new BitbucketStrategy(
        cloudOptions(bitbucket),
        (token: string, tokenSecret: string, params: Params, profile: BitbucketProfile, cb: VerifyCallback) => {
          seen.push({ arity: 5, token, tokenSecret, params, profileId: profile.id });
          done(profile, cb);
        },
      ),
    );
    // The mock's access token answer is `oauth_token=…&oauth_token_secret=…` and nothing else.
    expect(call.params).toEqual({});
  });

  it('passReqToCallback: (req, token, tokenSecret, profile, done)', async () => {
    const call = await loginWith(
      new BitbucketStrategy(
        { ...cloudOptions(bitbucket), passReqToCallback: true },
        (req, token, tokenSecret, profile, cb) => {
          seen.push({ arity: 5, req: describeReq(req), token, tokenSecret, profileId: profile.id });
          done(profile, cb);
        },
      ),
    );
    expect(call.req).toBe('GET /callback');
    expect(call.params).toBeUndefined();
  });

  it('passReqToCallback: (req, token, tokenSecret, params, profile, done)', async () => {
    const call = await loginWith(
      new BitbucketStrategy(
        { ...cloudOptions(bitbucket), passReqToCallback: true },
        (
          req: Request,
          token: string,
          tokenSecret: string,
          params: Params,
          profile: BitbucketProfile,
          cb: VerifyCallback,
        ) => {
          seen.push({ arity: 6, req: describeReq(req), token, tokenSecret, params, profileId: profile.id });
          done(profile, cb);
        },
      ),
    );
    expect(call.req).toBe('GET /callback');
    expect(call.params).toEqual({});
  });

  it('a verify that refuses the user (done(null, false, info)) sends them to failureRedirect with its message', async () => {
    await reserveAppURL();
    app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket), (_token, _tokenSecret, _profile, cb) =>
        cb(null, false, { message: 'Not on the guest list.' }),
      ),
    );
    const agent = app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/failed');
    expect((await agent.get('/failed')).body).toEqual({ messages: ['Not on the guest list.'] });
  });

  it('a verify that throws reaches the error handler, not the process', async () => {
    await reserveAppURL();
    app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket), () => {
        throw new Error('database down');
      }),
    );
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(500);
    expect(app.errors.map((e) => e.message)).toEqual(['database down']);
  });
});
