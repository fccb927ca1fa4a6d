import { oauth1Endpoints, requireAbsoluteCallbackURL, requireSecureURL } from './endpoints';
import { optionError, describeValue, privateKeyProblem, type OptionRules } from './checks';
import { OAUTH1_OPTION_RULES, OAUTH2_OPTION_RULES } from './rules';
import { unknownOptionError, type OptionNames } from './names';
import { snapshotOptions, type OptionSnapshot } from './snapshot';
import { checkVerify } from './verify-arity';

/** An option left out: `undefined`, `null` or an empty string (which of the signing keys was given). */
function missing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** What each strategy is called, speaks and takes: for the unknown-option messages. */
const OAUTH2_NAMES: OptionNames = {
  strategy: 'BitbucketOAuth2Strategy',
  protocol: 'OAuth 2.0',
  names: Object.keys(OAUTH2_OPTION_RULES),
};
const OAUTH1_NAMES: OptionNames = {
  strategy: 'BitbucketStrategy',
  protocol: 'OAuth 1.0a',
  names: Object.keys(OAUTH1_OPTION_RULES),
};

/**
 * Whether an option is a URL Bitbucket is called at, with a credential: the one https rule applies to it.
 * NOTE: by name, so that the next URL option cannot miss the rule; `callbackURL` is the app's own address.
 */
const carriesCredential = (name: string): boolean => name.endsWith('URL') && name !== 'callbackURL';

/**
 * Copies the options once (own properties only), refuses every name the strategy does not take, then checks
 * each option against its rule; a required one must be present.
 * @returns the snapshot everything after the check reads, never the caller's object.
 */
function checkOptions(
  own: OptionNames,
  other: OptionNames,
  rules: OptionRules,
  options: unknown,
  required: readonly string[],
): OptionSnapshot {
  const snapshot = snapshotOptions(options);
  for (const name of Object.keys(snapshot)) {
    const unknown = unknownOptionError(name, own, other);
    if (unknown) throw unknown;
  }
  // An empty string is given, not missing: its rule says so ("got an empty string"), as `?? ''` on an unset
  // environment variable produces it.
  for (const name of required) {
    if (snapshot[name] === undefined || snapshot[name] === null) {
      throw new TypeError(`${own.strategy} requires a ${name} option`);
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    const value = snapshot[name];
    if (value === undefined) continue;
    if (rule.check) rule.check(name, value);
    else if (!rule.test(value)) throw optionError(name, rule, value);
    if (carriesCredential(name)) requireSecureURL(name, value);
  }
  return snapshot;
}

/**
 * Checks every option of {@link BitbucketOAuth2Strategy}, and its verify callback, at construction.
 * @returns the options as read, once, from their own properties.
 * @throws TypeError naming the option, what was given and what is accepted.
 */
export function checkOAuth2Options<T extends object>(options: T, verify: unknown): Readonly<T> {
  const snapshot = checkOptions(OAUTH2_NAMES, OAUTH1_NAMES, OAUTH2_OPTION_RULES, options, ['clientID', 'clientSecret']);
  checkVerify('BitbucketOAuth2Strategy', verify, snapshot.passReqToCallback === true);
  return snapshot as Readonly<T>;
}

/**
 * RSA-SHA1 signs with the private key alone, and only Data Center application links take it.
 * NOTE: Bitbucket Cloud signs OAuth 1.0a with HMAC-SHA1 (or PLAINTEXT) and refuses RSA-SHA1; a `consumerSecret`
 * beside the `privateKey` would never be used.
 */
function requireRSAOnDataCenter(snapshot: OptionSnapshot): void {
  if (oauth1Endpoints(snapshot.baseURL as string | undefined).deployment === 'cloud') {
    throw new TypeError(
      "signatureMethod 'RSA-SHA1' (a privateKey) is for Bitbucket Data Center application links: give baseURL, " +
        "the address of your Data Center; Bitbucket Cloud takes 'HMAC-SHA1' with the consumerSecret",
    );
  }
  if (!missing(snapshot.consumerSecret)) {
    throw new TypeError(
      "consumerSecret is not used with signatureMethod 'RSA-SHA1' (the privateKey signs): remove one of the two",
    );
  }
}

/**
 * Checks every option of {@link BitbucketStrategy}, the signing key included, and its verify callback.
 * NOTE: without `callbackURL` passport-oauth1 sends `oauth_callback=oob`, and Bitbucket then shows the
 * user a verifier to copy instead of sending them back: that is never what a web app wants.
 * @returns the options as read, once, from their own properties.
 * @throws TypeError naming the option, what was given and what is accepted.
 */
export function checkOAuth1Options<T extends object>(options: T, verify: unknown): Readonly<T> {
  const given = snapshotOptions(options);
  const keyGiven = !missing(given.privateKey);
  const rsa = given.signatureMethod === 'RSA-SHA1' || (given.signatureMethod === undefined && keyGiven);
  const snapshot = checkOptions(OAUTH1_NAMES, OAUTH2_NAMES, OAUTH1_OPTION_RULES, given, [
    'consumerKey',
    rsa ? 'privateKey' : 'consumerSecret',
    'callbackURL',
  ]);
  if (rsa) {
    const problem = privateKeyProblem(snapshot.privateKey as string);
    if (problem !== undefined) throw new TypeError(`privateKey ${problem}`);
    requireRSAOnDataCenter(snapshot);
  } else if (keyGiven) {
    throw new TypeError(
      `privateKey is used only with signatureMethod 'RSA-SHA1', got signatureMethod ${describeValue(snapshot.signatureMethod ?? 'HMAC-SHA1')}`,
    );
  }
  if (snapshot.store !== undefined && snapshot.requestTokenStore !== undefined) {
    throw new TypeError('store and requestTokenStore are the same option (passport-oauth1 names both): give one');
  }
  requireAbsoluteCallbackURL(snapshot.callbackURL);
  checkVerify('BitbucketStrategy', verify, snapshot.passReqToCallback === true);
  return snapshot as Readonly<T>;
}
