/**
 * Public types of the mock Bitbucket server (`passport-bitbucket-oauth/testing`).
 * @packageDocumentation
 */
import type { MockEndpoint, MockFault, MockFaultOptions } from './faults/fault-types';

export type { MockEndpoint, MockFault, MockFaultOptions } from './faults/fault-types';

/**
 * A registered OAuth consumer. On Bitbucket Cloud one consumer has one key and one
 * secret, used both as the OAuth 2.0 client id/secret and the OAuth 1.0a consumer key/secret.
 * @example
 * const mock = await createMockBitbucket({
 *   clients: [{ clientId: 'app', clientSecret: 's3cret', callbackURL: 'http://127.0.0.1:3000/auth/callback', scopes: ['account'] }],
 * });
 */
export interface MockClient {
  clientId: string;
  clientSecret: string;
  /**
   * The consumer's callback URL. On Cloud, redirect URIs must start with it (prefix match); on Data Center
   * they must equal it. A callback that is not a complete URL (the default consumer's `http://127.0.0.1:`)
   * is a placeholder: on Data Center the first redirect URI under it from each app origin is registered, then
   * compared exactly.
   * `undefined`: authorize fails and the token exchange answers
   * `400 invalid_request "No callback uri defined for the OAuth client."`.
   */
  callbackURL?: string;
  /**
   * Cloud scopes granted to the consumer. Default `['account', 'email']`. On Data Center, the consumer may
   * only ask for the Data Center scopes listed here (`['PUBLIC_REPOS', 'REPO_READ']`); none listed: any.
   */
  scopes?: string[];
  /** PEM public key, for Data Center OAuth 1.0a (RSA-SHA1) consumers. */
  publicKey?: string;
  /** Private consumers may use the `client_credentials` grant. */
  private?: boolean;
}

/** One email address of a user. */
export interface MockEmail {
  email: string;
  primary: boolean;
  confirmed: boolean;
}

/**
 * A Bitbucket Cloud workspace a user can access (a row of `GET /2.0/user/workspaces`).
 * @example
 * const acme: MockWorkspace = { slug: 'acme', uuid: '{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f}', name: 'ACME', administrator: true };
 */
export interface MockWorkspace {
  slug: string;
  /** Wrapped in braces, like Bitbucket's. */
  uuid: string;
  name: string;
  /** The user administers it (`permission` "owner"). Default `false` ("member"). */
  administrator?: boolean;
}

/** How a user looks on Data Center. */
export interface MockDataCenterUser {
  id: number;
  name: string;
  slug: string;
  emailAddress?: string;
}

/**
 * A Bitbucket account known to the mock.
 * @example
 * const mock = await createMockBitbucket({ users: [{
 *   uuid: '{11111111-2222-4333-8444-555555555555}', accountId: '5c0000000000000000000001', nickname: 'ann',
 *   displayName: 'Ann', emails: [{ email: 'ann@example.com', primary: true, confirmed: true }],
 * }] });
 */
export interface MockUser {
  /** Wrapped in braces, like Bitbucket's: `{768f8c62-…}`. */
  uuid: string;
  accountId: string;
  /** Absent for accounts that have none (GDPR changes). */
  username?: string;
  nickname: string;
  displayName: string;
  /** Default: an SVG served by the mock. */
  avatarURL?: string;
  emails: MockEmail[];
  /** Cloud workspaces the user can access, in the order `/2.0/user/workspaces` lists them. Default: none. */
  workspaces?: MockWorkspace[];
  /** Data Center identity. Default: derived from the Cloud fields. */
  dc?: MockDataCenterUser;
}

/**
 * How OAuth 1.0a denial is reported to the callback (Bitbucket Cloud's style is undocumented):
 * `denied` → `?denied=<token>`, `error` → `?error=access_denied&oauth_token=…`,
 * `oauth_problem` → `?oauth_problem=permissions_denied&oauth_token=…`, `oauth_problem_only` →
 * `?oauth_problem=permissions_denied` (no token), `no_verifier` → `?oauth_token=…`, `verifier_denied` →
 * `?oauth_token=…&oauth_verifier=denied` (as Atlassian's OAuth service provider does).
 * @example
 * const mock = await createMockBitbucket({ oauth1DenyStyle: 'no_verifier' });
 */
export type OAuth1DenyStyle =
  'denied' | 'error' | 'oauth_problem' | 'oauth_problem_only' | 'no_verifier' | 'verifier_denied';

/**
 * Options of {@link createMockBitbucket}.
 * @example
 * const mock = await createMockBitbucket({ autoApprove: true, tokenScopeField: 'scopes', oauth1DenyStyle: 'oauth_problem' });
 */
export interface MockBitbucketOptions {
  /** Default: `[DEFAULT_CLIENT]`. */
  clients?: MockClient[];
  /** Default: `DEFAULT_USERS`. The first user is the one signed in unless told otherwise. */
  users?: MockUser[];
  /** `true`: authorize redirects straight back. Default `false`: a consent page is shown. */
  autoApprove?: boolean;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /**
   * Port to listen on. Default `0`: a free port chosen by the system (tests should keep it, so they can run in
   * parallel); a fixed one (`8080`) suits an app started apart, as with the `passport-bitbucket-oauth-mock` command.
   */
  port?: number;
  /** Accepted OAuth 1.0a clock skew, in seconds. Default 300. */
  oauth1TimestampWindowSeconds?: number;
  /**
   * What a new connection costs, in milliseconds (TCP + TLS over a real network): a request on a connection
   * younger than this waits until the connection is this old. A connection opened ahead of time pays nothing.
   * Default 0.
   */
  connectDelayMs?: number;
  /** Name of the scope field in Cloud token responses: `scope` (since 2026-05-04, default) or legacy `scopes`. */
  tokenScopeField?: 'scope' | 'scopes';
  /** OAuth 1.0a denial style. Default: `denied` on Cloud paths, `oauth_problem` on Data Center paths. */
  oauth1DenyStyle?: OAuth1DenyStyle;
  /**
   * Data Center's context path, e.g. `'/bitbucket'`: every Data Center route is served under it only
   * (404 elsewhere, counted in `dataCenterPathMisses`). Default `''` (the origin). Cloud stays at the origin.
   */
  dataCenterPath?: string;
  /**
   * PKCE on Cloud, which Bitbucket does not document: `'ignore'` (default) ignores `code_challenge` and
   * `code_verifier`; `'enforce'` checks them as Data Center does.
   */
  cloudPkce?: 'ignore' | 'enforce';
  /** Lifetime of authorization codes, in seconds (0: expired at once). Default 60 on Cloud, 10 on Data Center. */
  authorizationCodeLifetimeSeconds?: number;
  /** Lifetime of refresh tokens, in seconds (0: expired at once). Default 90 days. */
  refreshTokenLifetimeSeconds?: number;
  /** How `X-AUSERNAME` is written: `'raw'` (default, as Data Center does) or `'percent'` (URL-encoded). */
  aUsernameEncoding?: 'raw' | 'percent';
}

/**
 * One request as the mock received it.
 * @example
 * const tokenCalls = mock.requests.filter((r) => r.endpoint === 'token');
 * expect(tokenCalls[0]?.headers.authorization).toMatch(/^Basic /);
 */
export interface MockRequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names, values as received. */
  headers: Record<string, string | string[]>;
  /** The body, cut after its first 65,536 characters (64 KiB of ASCII). */
  body: string;
  /** Set when `body` was cut. */
  bodyTruncated?: true;
  /** The fault endpoint the request was routed to, if any. */
  endpoint?: MockEndpoint;
}

/** Bitbucket Cloud OAuth 2.0 options, ready to spread into a strategy's options. */
export interface MockOAuth2Endpoints {
  authorizationURL: string;
  tokenURL: string;
  userProfileURL: string;
  userEmailsURL: string;
  userWorkspacesURL: string;
}

/** Bitbucket Cloud OAuth 1.0a options, ready to spread into a strategy's options. */
export interface MockOAuth1Endpoints {
  requestTokenURL: string;
  userAuthorizationURL: string;
  accessTokenURL: string;
  userProfileURL: string;
  userEmailsURL: string;
  userWorkspacesURL: string;
}

/** Bitbucket Data Center URLs on the mock (the base URL is the mock's URL). */
export interface MockDataCenterEndpoints {
  baseURL: string;
  authorizationURL: string;
  tokenURL: string;
  requestTokenURL: string;
  userAuthorizationURL: string;
  accessTokenURL: string;
  whoamiURL: string;
  /** Prefix of `/users/{slug}`: append the URL-encoded slug. */
  usersURL: string;
}

/**
 * A running mock Bitbucket.
 * @example
 * const mock = await createMockBitbucket();
 * const res = await fetch(mock.oauth2Endpoints().userProfileURL, {
 *   headers: { authorization: `Bearer ${mock.issueAccessToken('jdoe')}` },
 * });
 * await mock.close();
 */
export interface MockBitbucket {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly clients: MockClient[];
  readonly users: MockUser[];
  /**
   * This mock's Cloud OAuth 2.0 URLs, to spread into `BitbucketOAuth2Strategy` options. Not the package's
   * `oauth2Endpoints(baseURL)`, which returns a deployment's DEFAULT URLs (bitbucket.org, or a Data Center server).
   */
  oauth2Endpoints(): MockOAuth2Endpoints;
  /** This mock's Cloud OAuth 1.0a URLs, to spread into `BitbucketStrategy` options (not `oauth1Endpoints(baseURL)`). */
  oauth1Endpoints(): MockOAuth1Endpoints;
  /** Data Center URLs on this server. */
  dataCenterEndpoints(): MockDataCenterEndpoints;
  /** Injects a fault (`null` clears the endpoint's fault). */
  setFault(endpoint: MockEndpoint, fault: MockFault | null, opts?: MockFaultOptions): void;
  /** Clears every fault. */
  clearFaults(): void;
  /**
   * The requests received, oldest first: the newest 10,000, and at most 4 MiB of bodies in all (each body cut
   * to 64 KiB); older ones are dropped first, so a long test run or the example app holds bounded memory.
   */
  readonly requests: MockRequestRecord[];
  /** TCP connections accepted so far (a connection that never sends a request counts too). */
  readonly connectionCount: number;
  /**
   * A valid bearer token for a user (index, username, uuid or account id), without a browser: a Cloud
   * token by default, a Data Center one with `'dataCenter'` (each is refused by the other product).
   */
  issueAccessToken(userIndexOrUsername: number | string, clientId?: string, product?: 'cloud' | 'dataCenter'): string;
  /** Every access token issued so far now answers 401 "Access token expired.". */
  expireAccessTokens(): void;
  /** Every refresh token issued so far is refused from now on (as if unused for 3 months, or revoked). */
  expireRefreshTokens(): void;
  /** Changes the OAuth 1.0a denial style for the next denials; `undefined` restores the default. */
  setOAuth1DenyStyle(style: OAuth1DenyStyle | undefined): void;
  /**
   * Another origin clients reach this mock through (a proxy in front of it, `http://127.0.0.1:8080`):
   * OAuth 1.0a signatures made for URLs on it are accepted too. Signatures are never checked against
   * the Host header, which the client chooses (as Bitbucket checks them against its configured base URL).
   */
  addOrigin(origin: string): void;
  /** How many requests for a Data Center path arrived outside `dataCenterPath` (each answered 404). */
  readonly dataCenterPathMisses: number;
  /** Stops the server, destroys open sockets and clears timers. Idempotent. */
  close(): Promise<void>;
}
