/**
 * The names the README's fragments (`<!-- readme-test: check -->`) use without declaring them: what a
 * reader's app already has around the snippet. Each fragment is type-checked against these.
 */
import type { Express, RequestHandler } from 'express';
import type { PassportStatic } from 'passport';
import type { BitbucketOAuth2StrategyOptions, BitbucketOAuth2VerifyFunction } from 'passport-bitbucket-oauth';

declare global {
  /** The reader's Express app. */
  const app: Express;
  /** Passport, when a fragment does not import it. */
  const passport: PassportStatic;
  /** Options and a verify callback built earlier in the reader's code. */
  const options: BitbucketOAuth2StrategyOptions;
  const verify: BitbucketOAuth2VerifyFunction;
  const clientID: string;
  const clientSecret: string;
  const callbackURL: string;
  /** A route handler of the reader's. */
  const home: RequestHandler;
  /** The reader's user store. */
  const users: {
    upsert(user: { bitbucketId: string; name: string; email?: string | undefined }): Promise<Express.User>;
    update(id: string, tokens: { accessToken: string; refreshToken: string }): Promise<void>;
  };
  /** A signed-in user as the reader stores it. */
  const user: { id: string; refreshToken: string };
}
