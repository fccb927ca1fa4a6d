/**
 * Type tests of BitbucketStrategy's constructor overloads. This file only compiles (ts-jest type-checks
 * it) when each `@ts-expect-error` line IS an error and every other line is not.
 */
import type { Request } from 'express';
import {
  BitbucketStrategy,
  type BitbucketProfile,
  type BitbucketStrategyOptions,
  type BitbucketStrategyOptionsWithRequest,
  type BitbucketVerifyFunctionWithParams,
  type BitbucketVerifyFunctionWithRequestAndParams,
  type RequestTokenStore,
  type VerifyCallback,
} from 'passport-bitbucket-oauth';

const options = { consumerKey: 'key', consumerSecret: 'secret', callbackURL: 'https://app.example.com/callback' };
const withRequest = { ...options, passReqToCallback: true as const };

/** Compiles only when `value` is exactly of type T. */
function exactly<T>(value: T): T {
  return value;
}

describe('the types of new BitbucketStrategy(options, verify)', () => {
  it('types the parameters of an unannotated (token, tokenSecret, profile, done) verify', () => {
    const strategy = new BitbucketStrategy(options, (token, tokenSecret, profile, done) => {
      exactly<string>(token);
      exactly<string>(tokenSecret);
      exactly<BitbucketProfile>(profile);
      exactly<'cloud' | 'datacenter'>(profile.deployment);
      done(null, { id: profile.id });
    });
    expect(strategy).toBeInstanceOf(BitbucketStrategy);
  });

  it('types an unannotated (req, token, tokenSecret, profile, done) verify with passReqToCallback: true', () => {
    const strategy = new BitbucketStrategy(withRequest, (req, token, tokenSecret, profile, done) => {
      exactly<Request>(req);
      exactly<string>(token);
      exactly<string>(tokenSecret);
      exactly<BitbucketProfile>(profile);
      done(null, false, { message: 'no' });
    });
    expect(strategy.name).toBe('bitbucket');
  });

  it('accepts the forms with params when typed as the docs say (a const of the named verify type)', () => {
    const withParams: BitbucketVerifyFunctionWithParams = (token, tokenSecret, params, profile, done) => {
      exactly<Record<string, string>>(params);
      exactly<BitbucketProfile>(profile);
      done(null, { token, tokenSecret, id: profile.id });
    };
    const withRequestAndParams: BitbucketVerifyFunctionWithRequestAndParams = (
      req,
      token,
      tokenSecret,
      params,
      profile,
      done,
    ) => {
      exactly<Request>(req);
      exactly<Record<string, string>>(params);
      done(null, { url: req.url, token, tokenSecret, id: profile.id });
    };
    expect(new BitbucketStrategy(options, withParams).name).toBe('bitbucket');
    expect(new BitbucketStrategy(withRequest, withRequestAndParams).name).toBe('bitbucket');
  });

  it('names both option types', () => {
    const typedOptions: BitbucketStrategyOptions = {
      consumerKey: 'k',
      privateKey: 'pem',
      baseURL: 'https://bitbucket.example.com',
      callbackURL: 'https://app.example.com/cb',
    };
    const typedWithRequest: BitbucketStrategyOptionsWithRequest = {
      consumerKey: 'k',
      consumerSecret: 's',
      passReqToCallback: true,
      callbackURL: 'https://app.example.com/cb',
    };
    expect(typedOptions.passReqToCallback).toBeUndefined();
    expect(typedWithRequest.passReqToCallback).toBe(true);
    // @ts-expect-error callbackURL is required: without it Bitbucket shows the user a code to copy.
    const withoutCallback: BitbucketStrategyOptions = { consumerKey: 'k', consumerSecret: 's' };
    expect(withoutCallback.callbackURL).toBeUndefined();
  });

  it('refuses a verify that does not match passReqToCallback', () => {
    const reqFirst = (
      req: Request,
      token: string,
      secret: string,
      profile: BitbucketProfile,
      done: VerifyCallback,
    ): void => done(null, { req, token, secret, profile });
    const noReq = (token: string, secret: string, profile: BitbucketProfile, done: VerifyCallback): void =>
      done(null, { token, secret, profile });
    expect(() => {
      // @ts-expect-error: without passReqToCallback, verify does not receive req
      new BitbucketStrategy(options, reqFirst);
    }).not.toThrow();
    // At run time too: with passReqToCallback, four parameters leave no room for done.
    expect(() => {
      // @ts-expect-error: with passReqToCallback: true, verify receives req first
      new BitbucketStrategy(withRequest, noReq);
    }).toThrow(/verify callback declares 4 parameters/);
  });

  it('refuses options that are not BitbucketStrategy options', () => {
    const verify = (_t: string, _s: string, profile: BitbucketProfile, done: VerifyCallback): void =>
      done(null, profile);
    expect(() => {
      // @ts-expect-error: consumerKey is required
      new BitbucketStrategy({ consumerSecret: 'secret' }, verify);
      // @ts-expect-error: RSA-SHA256 is not an OAuth 1.0a signature method
      new BitbucketStrategy({ ...options, signatureMethod: 'RSA-SHA256' }, verify);
      // @ts-expect-error: OAuth 2.0 options are not OAuth 1.0a options
      new BitbucketStrategy({ clientID: 'id', clientSecret: 'secret' }, verify);
      // @ts-expect-error: timeout is a number of milliseconds
      new BitbucketStrategy({ ...options, timeout: '10s' }, verify);
    }).toThrow(new TypeError('BitbucketStrategy requires a consumerKey option'));
  });

  it('refuses a verify whose parameters have the wrong types', () => {
    const profileAsText = (_t: string, _s: string, profile: string, done: VerifyCallback): void =>
      done(null, { profile });
    expect(() => {
      // @ts-expect-error: the profile is a BitbucketProfile, not a string
      new BitbucketStrategy(options, profileAsText);
      // @ts-expect-error: verify is required
      new BitbucketStrategy(options);
    }).toThrow(new TypeError('BitbucketStrategy requires a verify callback'));
  });

  it('types a custom request-token store and skipUserProfile', () => {
    const store: RequestTokenStore = {
      get: (_req, _token, cb) => cb(null, false, { message: 'none' }),
      set: (_req, _token, _secret, cb) => cb(),
      destroy: (_req, _token, cb) => cb(null),
    };
    const strategy = new BitbucketStrategy(
      { ...options, store, skipUserProfile: (token, tokenSecret, done) => done(null, token === tokenSecret) },
      (_t, _s, _profile, done) => done(null, {}),
    );
    expect(strategy.deployment).toBe('cloud');
    // @ts-expect-error: a store needs get, set and destroy
    const incomplete: RequestTokenStore = { get: store.get };
    expect(incomplete).toBeDefined();
  });
});
