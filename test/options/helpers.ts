/**
 * What the option tests share: minimal valid options of each strategy, builders that take what the type
 * checker would refuse (as JavaScript callers and spread objects may pass it), and the message of the
 * TypeError a constructor throws.
 */
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketOAuth2StrategyOptions,
  type BitbucketStrategyOptions,
} from 'passport-bitbucket-oauth';

/** A verify callback of length 0, accepted with or without `passReqToCallback`. */
export const verify = (): void => undefined;
export const CALLBACK = 'https://app.example.com/auth/bitbucket/callback';
export const oauth2 = { clientID: 'key', clientSecret: 'secret', callbackURL: CALLBACK };
export const oauth1 = { consumerKey: 'key', consumerSecret: 'secret', callbackURL: CALLBACK };

/** Builds an OAuth 2.0 strategy from anything, with `verify` unless another callback is given. */
export const buildOAuth2 = (options: unknown, callback: unknown = verify): BitbucketOAuth2Strategy =>
  new BitbucketOAuth2Strategy(options as BitbucketOAuth2StrategyOptions, callback as () => void);

/** Builds an OAuth 1.0a strategy from anything, with `verify` unless another callback is given. */
export const buildOAuth1 = (options: unknown, callback: unknown = verify): BitbucketStrategy =>
  new BitbucketStrategy(options as BitbucketStrategyOptions, callback as () => void);

/** The TypeError message the constructor throws (fails the test when it does not throw one). */
export function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return (err as TypeError).message;
  }
  throw new Error('the constructor accepted the options');
}
