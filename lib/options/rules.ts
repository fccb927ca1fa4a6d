import { Agent as HttpAgent } from 'node:http';
import { allowedWorkspaces } from '../parse/workspaces';
import {
  BOOLEAN,
  BOOLEAN_OR_FUNCTION,
  checkedBy,
  NON_EMPTY_STRING,
  POSITIVE_INTEGER,
  SECRET_STRING,
  TIMER_MILLISECONDS,
  STRING_OR_STRINGS,
  objectWithMethods,
  oneOf,
  type OptionRules,
} from './checks';
import { CLOUD_API_URL } from '../bitbucket';
import { requireAbsoluteCallbackURL } from './endpoints';

/**
 * Every option both strategies take, checked before anything else runs, so a mistake is a `TypeError`
 * at start-up instead of a failed sign-in. To add an option: one line here (or in the strategy's table).
 * NOTE: `baseURL`'s format is checked by `normalizeBaseURL` (endpoints), which knows Cloud from Data Center;
 * every URL Bitbucket is called at by the one https rule of {@link checkOptions}; the callback by endpoints.ts.
 */
const SECURE_URL = checkedBy('an absolute https URL (http for loopback only)', () => undefined);
const CALLBACK_URL = checkedBy('an absolute http(s) URL', (_name, value) => requireAbsoluteCallbackURL(value));
/**
 * NOTE: passport-bitbucket took an API 1.0 `userProfileURL` (`…/1.0/user/`); Bitbucket removed API 1.0 in 2019, so a
 * migrated app would fail every sign-in with a 404. Data Center's REST paths (`/rest/api/1.0/…`) are not that.
 */
const PROFILE_URL = checkedBy('an absolute https URL of API 2.0 (http for loopback only)', (_name, value) => {
  if (typeof value !== 'string' || !URL.canParse(value)) return;
  const { pathname } = new URL(value);
  if (/\/1\.0\/users?\/?$/.test(pathname) && !pathname.includes('/rest/')) {
    throw new TypeError(
      `userProfileURL points at API 1.0 (${pathname}), which Bitbucket removed in 2019: use API 2.0, ${CLOUD_API_URL}/2.0/user`,
    );
  }
});

export const COMMON_OPTION_RULES: OptionRules = {
  baseURL: { accepts: 'an absolute URL', test: (v) => typeof v === 'string' },
  callbackURL: CALLBACK_URL,
  userProfileURL: PROFILE_URL,
  userEmailsURL: SECURE_URL,
  emails: BOOLEAN,
  timeout: TIMER_MILLISECONDS,
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
