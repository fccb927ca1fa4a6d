import { requireAbsoluteCallbackURL, requireSecureURL } from './endpoints';
import { allowedWorkspaces } from '../parse/workspaces';
import {
  BOOLEAN,
  BOOLEAN_OR_FUNCTION,
  checkedBy,
  HTTP_URL,
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

/**
 * Every option both strategies take, checked before anything else runs, so a mistake is a `TypeError`
 * at start-up instead of a failed sign-in. To add an option: one line here (or in the strategy's table).
 * NOTE: `baseURL`'s format is checked by `normalizeBaseURL` (endpoints), which knows Cloud from Data Center;
 * the URLs Bitbucket is called at, and the callback, by the checks of endpoints.ts, with their messages.
 */
const SECURE_URL = checkedBy('an absolute https URL (http for loopback only)', requireSecureURL);
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
  userWorkspacesURL: HTTP_URL,
  maxWorkspacePages: POSITIVE_INTEGER,
  name: NON_EMPTY_STRING,
  sessionKey: NON_EMPTY_STRING,
  maxPendingLogins: POSITIVE_INTEGER,
  pendingLoginMaxAge: POSITIVE_INTEGER,
  proxy: BOOLEAN,
  passReqToCallback: BOOLEAN,
  skipUserProfile: BOOLEAN_OR_FUNCTION,
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
  store: objectWithMethods('a request-token store', ['get', 'set', 'destroy']),
};

/**
 * Options of the older Bitbucket strategies that do not exist here, with what to write instead: passport
 * would ignore them silently, so a migrated app would behave differently without a word.
 */
const FOREIGN_OPTIONS: Readonly<Record<string, string>> = {
  includeEmail: "is passport-bitbucket's option: the emails are read by default here (emails: false skips them)",
  skipEmails: "is passport-bitbucket-oauth20's option: write emails: false",
  userAgent: 'is not an option here: requests carry the User-Agent passport-bitbucket-oauth',
  customHeaders:
    'is not an option here: the client secret already goes in HTTP Basic, and Bitbucket needs no other header',
};

/** The options as a record: JavaScript callers may pass anything, or nothing. */
function asRecord(options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${typeof options === 'string' ? 'a string' : typeof options}`);
  }
  return options as Record<string, unknown>;
}

/** A missing required option: `undefined`, `null` or an empty string. */
function missing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Checks each option against its rule; a required one must be present.
 * NOTE: an option spelt with other letter case (`callbackUrl`, `clientId`) is silently ignored by
 * passport, so it is refused with the right spelling; options this table does not know are left alone.
 */
export function checkOptions(
  strategy: string,
  rules: OptionRules,
  options: unknown,
  required: readonly string[],
): Record<string, unknown> {
  const record = asRecord(options);
  const known = new Map(Object.keys(rules).map((name) => [name.toLowerCase(), name]));
  for (const name of Object.keys(record)) {
    // Own properties only: an option named `toString` must not find Object.prototype's.
    if (Object.hasOwn(rules, name)) continue;
    if (Object.hasOwn(FOREIGN_OPTIONS, name)) throw new TypeError(`${name} ${FOREIGN_OPTIONS[name] ?? ''}`);
    const meant = known.get(name.toLowerCase());
    if (meant !== undefined) throw new TypeError(`${strategy} has no option ${name}: did you mean ${meant}?`);
  }
  for (const name of required) {
    if (missing(record[name])) throw new TypeError(`${strategy} requires a ${name} option`);
  }
  for (const [name, rule] of Object.entries(rules)) {
    const value = record[name];
    if (value === undefined) continue;
    if (rule.check) rule.check(name, value);
    else if (!rule.test(value)) throw optionError(name, rule, value);
  }
  return record;
}

/**
 * Checks every option of {@link BitbucketOAuth2Strategy} at construction.
 * @throws TypeError naming the option, what was given and what is accepted.
 */
export function validateOAuth2Options(options: unknown): void {
  checkOptions('BitbucketOAuth2Strategy', OAUTH2_OPTION_RULES, options, ['clientID', 'clientSecret']);
}

/**
 * Checks every option of {@link BitbucketStrategy} at construction, the signing key included.
 * NOTE: without `callbackURL` passport-oauth1 sends `oauth_callback=oob`, and Bitbucket then shows the
 * user a verifier to copy instead of sending them back: that is never what a web app wants.
 * @throws TypeError naming the option, what was given and what is accepted.
 */
export function validateOAuth1Options(options: unknown): void {
  const given = options !== null && typeof options === 'object' ? (options as Record<string, unknown>) : {};
  const keyGiven = !missing(given.privateKey);
  const rsa = given.signatureMethod === 'RSA-SHA1' || (given.signatureMethod === undefined && keyGiven);
  const record = checkOptions('BitbucketStrategy', OAUTH1_OPTION_RULES, options, [
    'consumerKey',
    rsa ? 'privateKey' : 'consumerSecret',
  ]);
  if (rsa) {
    const problem = privateKeyProblem(record.privateKey as string);
    if (problem !== undefined) throw new TypeError(`privateKey ${problem}`);
  } else if (keyGiven) {
    throw new TypeError(
      `privateKey is used only with signatureMethod 'RSA-SHA1', got signatureMethod ${describeValue(record.signatureMethod ?? 'HMAC-SHA1')}`,
    );
  }
  // NOTE: without it passport-oauth1 sends `oauth_callback=oob`, and Bitbucket shows a code to copy.
  requireAbsoluteCallbackURL(record.callbackURL);
}
