/** Where a strategy talks to: Bitbucket Cloud, or a self-hosted Bitbucket Data Center. */
export type Deployment = 'cloud' | 'datacenter';

/** Bitbucket Cloud's web origin. */
export const CLOUD_SITE_URL = 'https://bitbucket.org';
/** Bitbucket Cloud's REST API origin. */
export const CLOUD_API_URL = 'https://api.bitbucket.org';

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

/**
 * Checks and normalizes a Data Center base URL (`https://bitbucket.example.com[/context]`):
 * absolute http(s), no query, no fragment, no trailing slash.
 */
export function normalizeBaseURL(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new TypeError(`baseURL must be an absolute URL, got ${JSON.stringify(baseURL)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`baseURL must use https (or http), got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError('baseURL must not carry a query, a fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/** A `baseURL` that names Bitbucket Cloud itself means Cloud, not Data Center. */
function isCloud(baseURL: string | undefined): baseURL is undefined {
  if (baseURL === undefined) return true;
  const { hostname } = new URL(baseURL);
  return hostname === 'bitbucket.org' || hostname === 'api.bitbucket.org';
}

/**
 * Default OAuth 2.0 endpoints for Cloud (no `baseURL`) or Data Center (`baseURL`).
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
 * Default OAuth 1.0a endpoints for Cloud (no `baseURL`) or Data Center (`baseURL`, application links).
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
