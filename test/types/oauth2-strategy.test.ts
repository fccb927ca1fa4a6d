/**
 * Compile-time tests of BitbucketOAuth2Strategy's public types. ts-jest type-checks this file, so a
 * wrong inference or an `@ts-expect-error` that no longer errors fails the run. No network here.
 */
import type { Request } from 'express';
import {
  BitbucketOAuth2Strategy,
  type BitbucketEmail,
  type BitbucketOAuth2VerifyFunctionWithParams,
  type BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  type BitbucketProfile,
  type BitbucketTokenParams,
  type RefreshedTokens,
  type VerifyCallback,
} from 'passport-bitbucket-oauth';

/** `true` when A and B are the same type (not merely assignable). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the usual exact-equality construction
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its type argument is `true`. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the type argument is the assertion
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const options = { clientID: 'key', clientSecret: 'secret' };

describe('the four verify signatures', () => {
  it('infers (accessToken, refreshToken, profile, done) for an inline 4-argument verify', () => {
    const strategy = new BitbucketOAuth2Strategy(options, (accessToken, refreshToken, profile, done) => {
      assertType<Equal<typeof accessToken, string>>();
      assertType<Equal<typeof refreshToken, string | undefined>>();
      assertType<Equal<typeof profile, BitbucketProfile>>();
      const _first = profile.emails[0];
      assertType<Equal<typeof _first, BitbucketEmail | undefined>>();
      const _primary = profile.emails[0]?.primary;
      assertType<Equal<typeof _primary, boolean | undefined>>();
      assertType<Equal<typeof profile.id, string>>();
      assertType<Equal<typeof profile.accountId, string | undefined>>();
      assertType<Equal<typeof profile.emailsError, BitbucketProfile['emailsError']>>();
      assertType<Equal<typeof done, VerifyCallback>>();
      done(null, { id: profile.id });
    });
    expect(strategy.name).toBe('bitbucket-oauth2');
  });

  it('infers (req, accessToken, refreshToken, profile, done) for an inline verify with passReqToCallback: true', () => {
    const strategy = new BitbucketOAuth2Strategy(
      { ...options, passReqToCallback: true },
      (req, accessToken, refreshToken, profile, done) => {
        assertType<Equal<typeof req, Request>>();
        assertType<Equal<typeof accessToken, string>>();
        assertType<Equal<typeof refreshToken, string | undefined>>();
        assertType<Equal<typeof profile, BitbucketProfile>>();
        done(null, { id: profile.id, ip: req.ip });
      },
    );
    expect(strategy.name).toBe('bitbucket-oauth2');
  });

  it('infers (accessToken, refreshToken, params, profile, done) for a verify typed BitbucketOAuth2VerifyFunctionWithParams', () => {
    const verify: BitbucketOAuth2VerifyFunctionWithParams = (accessToken, refreshToken, params, profile, done) => {
      assertType<Equal<typeof accessToken, string>>();
      assertType<Equal<typeof params, BitbucketTokenParams>>();
      assertType<Equal<typeof params.scope, string>>();
      assertType<Equal<typeof params.expires_in, number | undefined>>();
      const _verified = profile.emails.find((e) => e.primary)?.verified;
      assertType<Equal<typeof _verified, boolean | undefined>>();
      done(null, { id: profile.id, scope: params.scope, refreshToken });
    };
    expect(new BitbucketOAuth2Strategy(options, verify)).toBeInstanceOf(BitbucketOAuth2Strategy);
  });

  it('takes a 5-argument verify with annotated parameters inline', () => {
    const strategy = new BitbucketOAuth2Strategy(
      options,
      (
        accessToken: string,
        refreshToken: string | undefined,
        params: BitbucketTokenParams,
        profile: BitbucketProfile,
        done: VerifyCallback,
      ) => done(null, { id: profile.id, scope: params.scope, accessToken, refreshToken }),
    );
    expect(strategy).toBeInstanceOf(BitbucketOAuth2Strategy);
  });

  it('infers (req, accessToken, refreshToken, params, profile, done) for a verify typed …WithRequestAndParams', () => {
    const verify: BitbucketOAuth2VerifyFunctionWithRequestAndParams = (
      req,
      accessToken,
      refreshToken,
      params,
      profile,
      done,
    ) => {
      assertType<Equal<typeof req, Request>>();
      assertType<Equal<typeof refreshToken, string | undefined>>();
      assertType<Equal<typeof params, BitbucketTokenParams>>();
      assertType<Equal<typeof profile, BitbucketProfile>>();
      done(null, { id: profile.id, scope: params.scope, accessToken });
    };
    expect(new BitbucketOAuth2Strategy({ ...options, passReqToCallback: true }, verify)).toBeInstanceOf(
      BitbucketOAuth2Strategy,
    );
  });

  it('cannot infer an inline 5- or 6-argument verify: TypeScript fixes the parameters from the first overload that fits the options', () => {
    // NOTE: a limitation of TypeScript's overload resolution, documented on the verify types: type the function instead.
    const withRequest = { ...options, passReqToCallback: true as const };
    const build = (): void => {
      // @ts-expect-error -- parameters implicitly have an 'any' type
      new BitbucketOAuth2Strategy(options, (_accessToken, _refreshToken, _params, _profile, _done) => undefined);
      // @ts-expect-error -- parameters implicitly have an 'any' type
      new BitbucketOAuth2Strategy(withRequest, (_req, _token, _refresh, _params, _profile, _done) => undefined);
    };
    expect(build).not.toThrow();
  });
});

describe('misuse the type checker catches', () => {
  const verify = (_a: string, _r: string | undefined, profile: BitbucketProfile, done: VerifyCallback): void =>
    done(null, { id: profile.id });

  it('a missing clientID (which also throws at run time)', () => {
    // @ts-expect-error -- clientID is required
    expect(() => new BitbucketOAuth2Strategy({ clientSecret: 'secret' }, verify)).toThrow(
      'BitbucketOAuth2Strategy requires a clientID option',
    );
  });

  it('the typo clientId for clientID', () => {
    // @ts-expect-error -- unknown option clientId
    expect(() => new BitbucketOAuth2Strategy({ clientId: 'key', clientSecret: 'secret' }, verify)).toThrow(
      'BitbucketOAuth2Strategy has no option clientId: did you mean clientID?',
    );
  });

  it('a pkce method Bitbucket does not know', () => {
    // @ts-expect-error -- pkce is boolean | 'S256' | 'plain'
    expect(() => new BitbucketOAuth2Strategy({ ...options, pkce: 'S512' }, verify)).toThrow(
      `pkce must be true, false, 'S256' or 'plain', got "S512"`,
    );
  });

  it('passReqToCallback: true with a verify that does not take req first (and at run time: done would be missing)', () => {
    // @ts-expect-error -- the first parameter would receive the request, not the access token
    expect(() => new BitbucketOAuth2Strategy({ ...options, passReqToCallback: true }, verify)).toThrow(
      /verify callback declares 4 parameters/,
    );
  });

  it('a verify that takes req first without passReqToCallback: true', () => {
    const withRequest = (
      req: Request,
      _a: string,
      _r: string | undefined,
      profile: BitbucketProfile,
      done: VerifyCallback,
    ): void => done(null, { id: profile.id, ip: req.ip });
    // @ts-expect-error -- without passReqToCallback the first parameter receives the access token
    expect(new BitbucketOAuth2Strategy(options, withRequest)).toBeInstanceOf(BitbucketOAuth2Strategy);
  });

  it('a timeout given as text', () => {
    // @ts-expect-error -- timeout is a number of milliseconds
    expect(() => new BitbucketOAuth2Strategy({ ...options, timeout: '10s' }, verify)).toThrow(
      'timeout must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got "10s"',
    );
  });

  it('a client authentication method that does not exist', () => {
    // @ts-expect-error -- clientAuthentication is 'basic' | 'body'
    expect(() => new BitbucketOAuth2Strategy({ ...options, clientAuthentication: 'header' }, verify)).toThrow(
      `clientAuthentication must be 'basic' or 'body', got "header"`,
    );
  });

  it('a profile parameter typed as token params', () => {
    const wrong = (_a: string, _r: string | undefined, params: BitbucketTokenParams, done: VerifyCallback): void =>
      done(null, { scope: params.scope });
    // @ts-expect-error -- a 4-argument verify receives the profile third
    expect(new BitbucketOAuth2Strategy(options, wrong)).toBeInstanceOf(BitbucketOAuth2Strategy);
  });
});

describe('strategy.refresh', () => {
  it('resolves to RefreshedTokens whose refreshToken is always a string (the rotated one to store)', async () => {
    const strategy = new BitbucketOAuth2Strategy(options, (_a, _r, profile, done) => done(null, { id: profile.id }));
    type Result = Awaited<ReturnType<typeof strategy.refresh>>;
    assertType<Equal<Result, RefreshedTokens>>();
    assertType<Equal<Result['refreshToken'], string>>();
    assertType<Equal<Result['expiresIn'], number | undefined>>();
    assertType<Equal<Result['scopes'], string[]>>();
    // @ts-expect-error -- a refresh token is required
    await expect(strategy.refresh()).rejects.toThrow('refresh() requires a refresh token');
  });
});
