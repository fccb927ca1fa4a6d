import { CLOUD_API_URL, CLOUD_SITE_URL, type Deployment } from '../bitbucket';

/** The OAuth 2.0 endpoints and profile sources of one deployment. */
export interface OAuth2Endpoints {
  deployment: Deployment;
  authorizationURL: string;
  tokenURL: string;
  /** Cloud: `/2.0/user`. Data Center: the `whoami` servlet. */
  userProfileURL: string;
  /** Cloud: `/2.0/user/emails`. Data Center: the users resource prefix (`…/rest/api/latest/users/`). */
  userEmailsURL: string;
}

/** The OAuth 1.0a endpoints and profile sources of one deployment. */
export interface OAuth1Endpoints {
  deployment: Deployment;
  requestTokenURL: string;
  userAuthorizationURL: string;
  accessTokenURL: string;
  userProfileURL: string;
  userEmailsURL: string;
}

/** Whether a host name is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a Bitbucket URL option: absolute, and `https:` unless its host is loopback (the mock, tests).
 * NOTE: the client secret, codes and tokens travel to these URLs; over `http:` anyone on the path reads them.
 */
export function requireSecureURL(name: string, value: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`${name} must be an absolute https URL, got ${shownURL(value)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new TypeError(
      `${name} must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got ${shownURL(value)}`,
    );
  }
  // NOTE: Node would send `user:password@` as a Basic Authorization header of its own, beside (or instead of) the
  // client's credentials: Bitbucket authenticates the client by clientID/clientSecret or consumerKey, never by URL.
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`${name} must not carry credentials (user:password@), got ${shownURL(value)}`);
  }
  return url;
}

/**
 * A URL as an error message shows it: JSON-quoted, with everything before the last `@` of its authority (a user
 * name and password, even in a URL that does not parse) blanked out.
 */
function shownURL(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const scheme = /^[^/?#]*\/\//.exec(value)?.[0] ?? '';
  const rest = value.slice(scheme.length);
  const authority = /^[^/?#]*/.exec(rest)?.[0] ?? '';
  const at = authority.lastIndexOf('@');
  return JSON.stringify(at < 0 ? value : `${scheme}…${rest.slice(at)}`);
}

/**
 * Checks a `callbackURL`: absolute http(s).
 * NOTE: passport resolves a relative one against the request's Host header (and X-Forwarded-Host with
 * `proxy`), which the browser, or anyone who crafts the first request, chooses.
 */
export function requireAbsoluteCallbackURL(value: unknown): string {
  if (typeof value === 'string' && /^https?:\/\/[^/]/i.test(value) && URL.canParse(value)) return value;
  throw new TypeError(
    `callbackURL must be an absolute http(s) URL such as "https://app.example.com/auth/bitbucket/callback", got ${shownURL(value)}: a relative one would be completed from the request's Host header, which the client controls`,
  );
}

/**
 * The `callbackURL` given to `passport.authenticate(name, { callbackURL })` refused, or `null` when it is
 * absent or absolute. NOTE: passport-oauth2 and passport-oauth1 take one per request too, and complete a
 * relative one from the Host header exactly like the constructor's.
 */
export function perRequestCallbackProblem(options: unknown): TypeError | null {
  const value =
    typeof options === 'object' && options !== null ? (options as { callbackURL?: unknown }).callbackURL : undefined;
  if (value === undefined) return null;
  try {
    requireAbsoluteCallbackURL(value);
    return null;
  } catch (err) {
    return err as TypeError;
  }
}

/**
 * Checks and normalizes a Data Center base URL (`https://bitbucket.example.com[/context]`):
 * absolute https (http for loopback only), no query, no fragment, no trailing slash.
 */
export function normalizeBaseURL(baseURL: string): string {
  const url = requireSecureURL('baseURL', baseURL);
  if (url.search || url.hash) throw new TypeError('baseURL must not carry a query, a fragment or credentials');
  return url.href.replace(/\/+$/, '');
}

/** A `baseURL` that names Bitbucket Cloud itself means Cloud, not Data Center. */
function isCloud(baseURL: string | undefined): baseURL is undefined {
  if (baseURL === undefined) return true;
  const { hostname } = new URL(baseURL);
  return hostname === 'bitbucket.org' || hostname === 'api.bitbucket.org';
}

/**
 * Default OAuth 2.0 endpoints for Cloud (no `baseURL`) or Data Center (`baseURL`): the URLs a strategy uses when
 * none is given, and their `deployment`. Not to be confused with the mock's `mock.oauth2Endpoints()`
 * (`passport-bitbucket-oauth/testing`), which returns the MOCK's Cloud URLs, to spread into a strategy's options.
 *
 * @example
 * ```ts
 * oauth2Endpoints('https://bitbucket.example.com').tokenURL;
 * // 'https://bitbucket.example.com/rest/oauth2/latest/token'
 * ```
 */
export function oauth2Endpoints(baseURL?: string): OAuth2Endpoints {
  const base = baseURL === undefined ? undefined : normalizeBaseURL(baseURL);
  if (isCloud(base)) {
    return {
      deployment: 'cloud',
      authorizationURL: `${CLOUD_SITE_URL}/site/oauth2/authorize`,
      tokenURL: `${CLOUD_SITE_URL}/site/oauth2/access_token`,
      userProfileURL: `${CLOUD_API_URL}/2.0/user`,
      userEmailsURL: `${CLOUD_API_URL}/2.0/user/emails`,
    };
  }
  return {
    deployment: 'datacenter',
    authorizationURL: `${base}/rest/oauth2/latest/authorize`,
    tokenURL: `${base}/rest/oauth2/latest/token`,
    userProfileURL: `${base}/plugins/servlet/applinks/whoami`,
    userEmailsURL: `${base}/rest/api/latest/users/`,
  };
}

/**
 * Default OAuth 1.0a endpoints for Cloud (no `baseURL`) or Data Center (`baseURL`, application links). Not the
 * mock's `mock.oauth1Endpoints()`, which returns the mock's own Cloud URLs.
 *
 * @example
 * ```ts
 * oauth1Endpoints().requestTokenURL; // 'https://bitbucket.org/api/1.0/oauth/request_token/'
 * ```
 */
export function oauth1Endpoints(baseURL?: string): OAuth1Endpoints {
  const base = baseURL === undefined ? undefined : normalizeBaseURL(baseURL);
  const { deployment, userProfileURL, userEmailsURL } = oauth2Endpoints(base);
  if (isCloud(base)) {
    // NOTE: the trailing slashes are part of Bitbucket's documented OAuth 1.0a URLs.
    return {
      deployment,
      requestTokenURL: `${CLOUD_SITE_URL}/api/1.0/oauth/request_token/`,
      userAuthorizationURL: `${CLOUD_SITE_URL}/api/1.0/oauth/authenticate/`,
      accessTokenURL: `${CLOUD_SITE_URL}/api/1.0/oauth/access_token/`,
      userProfileURL,
      userEmailsURL,
    };
  }
  return {
    deployment,
    requestTokenURL: `${base}/plugins/servlet/oauth/request-token`,
    userAuthorizationURL: `${base}/plugins/servlet/oauth/authorize`,
    accessTokenURL: `${base}/plugins/servlet/oauth/access-token`,
    userProfileURL,
    userEmailsURL,
  };
}
