/**
 * Compile-time tests of what issue 14 (point 4) met: `passReqToCallback` from a spread object, and the verify
 * forms with `params`, for both strategies. ts-jest type-checks this file: an `@ts-expect-error` that stops
 * being an error (TypeScript learnt to infer the form) fails the run, and the README must then change too.
 */
import type { Request } from 'express';
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketOAuth2StrategyOptionsWithRequest,
  type BitbucketProfile,
  type BitbucketStrategyOptionsWithRequest,
  type BitbucketVerifyFunctionWithParams,
  type VerifyCallback,
} from 'passport-bitbucket-oauth';

const CALLBACK = 'https://app.example.com/auth/bitbucket/callback';
const oauth2 = { clientID: 'key', clientSecret: 'secret', callbackURL: CALLBACK };
const oauth1 = { consumerKey: 'key', consumerSecret: 'secret', callbackURL: CALLBACK };

/** Compiles only when `value` is exactly of type T. */
function exactly<T>(value: T): T {
  return value;
}

describe('passReqToCallback: true in an object built beforehand', () => {
  it('is boolean after a spread, which the types refuse (the README says to write `as const` or `satisfies`)', () => {
    const widened = { ...oauth2, passReqToCallback: true };
    const withRequest = (
      req: Request,
      _a: string,
      _r: string | undefined,
      profile: BitbucketProfile,
      done: VerifyCallback,
    ): void => done(null, { id: profile.id, url: req.url });
    // @ts-expect-error -- Type 'boolean' is not assignable to type 'true'
    const build = (): BitbucketOAuth2Strategy => new BitbucketOAuth2Strategy(widened, withRequest);
    expect(build().name).toBe('bitbucket-oauth2');
  });

  it('infers (req, …) inline with `as const`, for both strategies', () => {
    const withRequest = { ...oauth2, passReqToCallback: true as const };
    const strategy = new BitbucketOAuth2Strategy(withRequest, (req, accessToken, _refreshToken, profile, done) => {
      exactly<Request>(req);
      exactly<string>(accessToken);
      done(null, { id: profile.id });
    });
    const oauth1Strategy = new BitbucketStrategy(
      { ...oauth1, passReqToCallback: true as const },
      (req, token, _s, profile, done) => {
        exactly<Request>(req);
        exactly<string>(token);
        done(null, { id: profile.id });
      },
    );
    expect([strategy.name, oauth1Strategy.name]).toEqual(['bitbucket-oauth2', 'bitbucket']);
  });

  it('infers (req, …) inline with `satisfies`, for both strategies', () => {
    const withRequest = { ...oauth2, passReqToCallback: true } satisfies BitbucketOAuth2StrategyOptionsWithRequest;
    const oauth1WithRequest = { ...oauth1, passReqToCallback: true } satisfies BitbucketStrategyOptionsWithRequest;
    const strategy = new BitbucketOAuth2Strategy(withRequest, (req, _a, _r, profile, done) => {
      exactly<Request>(req);
      done(null, { id: profile.id });
    });
    const oauth1Strategy = new BitbucketStrategy(oauth1WithRequest, (req, _t, _s, profile, done) => {
      exactly<Request>(req);
      done(null, { id: profile.id });
    });
    expect([strategy.name, oauth1Strategy.name]).toEqual(['bitbucket-oauth2', 'bitbucket']);
  });
});

describe('the OAuth 1.0a verify forms with params', () => {
  it('cannot be inferred inline (TS7006), as for OAuth 2.0', () => {
    const build = (): BitbucketStrategy =>
      // @ts-expect-error -- Parameter '_t' implicitly has an 'any' type (and the four others)
      new BitbucketStrategy(oauth1, (_t, _s, _params, _profile, _done) => undefined);
    expect(build().name).toBe('bitbucket');
  });

  it('is inferred from the exported type, as the README shows', () => {
    const verify: BitbucketVerifyFunctionWithParams = (token, _tokenSecret, params, profile, done) => {
      exactly<Record<string, string>>(params);
      exactly<BitbucketProfile>(profile);
      done(null, { id: profile.id, token });
    };
    expect(new BitbucketStrategy(oauth1, verify).name).toBe('bitbucket');
  });
});
