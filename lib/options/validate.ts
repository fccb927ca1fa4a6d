import { Agent as HttpAgent } from 'node:http';
import { requireAbsoluteCallbackURL, requireSecureURL } from './endpoints';
import { allowedWorkspaces } from '../parse/workspaces';
import {
  BOOLEAN,
  BOOLEAN_OR_FUNCTION,
  checkedBy,
  NON_EMPTY_STRING,
  POSITIVE_INTEGER,
  SECRET_STRING,
  STRING_OR_STRINGS,
  objectWithMethods,
  oneOf,
  optionError,
  describeValue,
  privateKeyProblem,
  type OptionRules,
} from './checks';
import { unknownOptionError, type OptionNames } from './names';
import { snapshotOptions, type OptionSnapshot } from './snapshot';
import { checkVerify } from './verify-arity';

/**
 * Every option both strategies take, checked before anything else runs, so a mistake is a `TypeError`
 * at start-up instead of a failed sign-in. To add an option: one line here (or in the strategy's table).
 * NOTE: `baseURL`'s format is checked by `normalizeBaseURL` (endpoints), which knows Cloud from Data Center;
 * every URL Bitbucket is called at by the one https rule of {@link checkOptions}; the callback by endpoints.ts.
 */
const SECURE_URL = checkedBy('an absolute https URL (http for loopback only)', () => undefined);
const CALLBACK_URL = checkedBy('an absolute http(s) URL', (_name, value) => requireAbsoluteCallbackURL(value));

export const COMMON_OPTION_RULES: OptionRules = {
  baseURL: { accepts: 'an absolute URL', test: (v) => typeof v === 'string' },
  callbackURL: CALLBACK_URL,
  userProfileURL: SECURE_URL,
  userEmailsURL: SECURE_URL,
  emails: BOOLEAN,
  timeout: POSITIVE_INTEGER,
  maxResponseBytes: POSITIVE_INTEGER,
  maxEmailPages: POSITIVE_INTEGER,
  workspaces: checkedBy('a list of workspace slugs or uuids', (_name, value) => allowedWorkspaces(value)),
  readWorkspaces: BOOLEAN,
  userWorkspacesURL: SECURE_URL,
  maxWorkspacePages: POSITIVE_INTEGER,
  name: NON_EMPTY_STRING,
  sessionKey: NON_EMPTY_STRING,
  maxPendingLogins: POSITIVE_INTEGER,
  pendingLoginMaxAge: POSITIVE_INTEGER,
  proxy: BOOLEAN,
  passReqToCallback: BOOLEAN,
  skipUserProfile: BOOLEAN_OR_FUNCTION,
  agent: {
    accepts: 'an http.Agent (or https.Agent, HttpsProxyAgent, …)',
    test: (v) => v instanceof HttpAgent,
  },
  preconnect: BOOLEAN,
};

/** passport-oauth2's `StateStore` interface. */
const STATE_STORE = objectWithMethods('a state store', ['store', 'verify']);

/** {@link BitbucketOAuth2Strategy}'s options. */
export const OAUTH2_OPTION_RULES: OptionRules = {
  ...COMMON_OPTION_RULES,
  clientID: NON_EMPTY_STRING,
  clientSecret: SECRET_STRING,
  authorizationURL: SECURE_URL,
  tokenURL: SECURE_URL,
  scope: STRING_OR_STRINGS,
  scopeSeparator: { accepts: 'a string', test: (v) => typeof v === 'string' },
  state: BOOLEAN,
  store: {
    accepts: `true, false or ${STATE_STORE.accepts}`,
    test: (v) => typeof v === 'boolean' || STATE_STORE.test(v),
  },
  pkce: oneOf([true, false, 'S256', 'plain']),
  clientAuthentication: oneOf(['basic', 'body']),
};

/** passport-oauth1's request-token store interface. */
const REQUEST_TOKEN_STORE = objectWithMethods('a request-token store', ['get', 'set', 'destroy']);

/** {@link BitbucketStrategy}'s options. */
export const OAUTH1_OPTION_RULES: OptionRules = {
  ...COMMON_OPTION_RULES,
  consumerKey: NON_EMPTY_STRING,
  consumerSecret: SECRET_STRING,
  privateKey: { accepts: 'a PEM-encoded RSA private key', test: (v) => typeof v === 'string', secret: true },
  signatureMethod: oneOf(['HMAC-SHA1', 'PLAINTEXT', 'RSA-SHA1']),
  requestTokenURL: SECURE_URL,
  userAuthorizationURL: SECURE_URL,
  accessTokenURL: SECURE_URL,
  store: REQUEST_TOKEN_STORE,
  /** passport-oauth1's other name for `store`. */
  requestTokenStore: REQUEST_TOKEN_STORE,
};

/** A missing required option: `undefined`, `null` or an empty string. */
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
  for (const name of required) {
    if (missing(snapshot[name])) throw new TypeError(`${own.strategy} requires a ${name} option`);
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
  ]);
  if (rsa) {
    const problem = privateKeyProblem(snapshot.privateKey as string);
    if (problem !== undefined) throw new TypeError(`privateKey ${problem}`);
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
