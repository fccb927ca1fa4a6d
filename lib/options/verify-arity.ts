/**
 * The verify callback's declared parameters, checked at construction.
 * NOTE: passport-oauth2 and passport-oauth1 choose the arguments by `verify.length`: a callback declaring too
 * few parameters never receives `done`, and the first real sign-in fails with "done is not a function".
 * A rest-parameter callback (`(...args) => …`, length 0) is what NestJS's `PassportStrategy` builds: accepted.
 */

/** The names of the two credentials each protocol hands to verify. */
const CREDENTIALS = {
  BitbucketOAuth2Strategy: 'accessToken, refreshToken',
  BitbucketStrategy: 'token, tokenSecret',
} as const;

/** The strategies whose verify callbacks are checked. */
export type VerifyOwner = keyof typeof CREDENTIALS;

/** The two forms a strategy calls verify with, as a reader writes them. */
function forms(strategy: VerifyOwner, withRequest: boolean): string {
  const req = withRequest ? 'req, ' : '';
  const credentials = CREDENTIALS[strategy];
  return `(${req}${credentials}, profile, done) or (${req}${credentials}, params, profile, done)`;
}

/**
 * Refuses a verify callback that is not a function or cannot receive `done`.
 * @throws TypeError naming the strategy, the count declared and the accepted forms.
 */
export function checkVerify(strategy: VerifyOwner, verify: unknown, withRequest: boolean): void {
  if (typeof verify !== 'function') throw new TypeError(`${strategy} requires a verify callback`);
  const count = verify.length;
  const accepted = withRequest ? [0, 5, 6] : [0, 4, 5];
  if (accepted.includes(count)) return;
  const other = withRequest ? 'without passReqToCallback' : 'with passReqToCallback: true, req comes first';
  throw new TypeError(
    `${strategy}'s verify callback declares ${count} parameter${count === 1 ? '' : 's'}: it must take ${forms(strategy, withRequest)} (${other}), or be a rest-parameter function (...args)`,
  );
}
