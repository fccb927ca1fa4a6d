import type { MockBitbucketOptions, OAuth1DenyStyle } from '../types';

/** The settings of one mock instance, defaults applied. `oauth1DenyStyle` can change at run time. */
export interface MockSettings {
  autoApprove: boolean;
  oauth1TimestampWindowSeconds: number;
  tokenScopeField: 'scope' | 'scopes';
  oauth1DenyStyle?: OAuth1DenyStyle;
  /** `''` or a path such as `/bitbucket` (no trailing slash). */
  dataCenterPath: string;
  cloudPkce: 'ignore' | 'enforce';
  /** `undefined`: each product's default. */
  authorizationCodeLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  aUsernameEncoding: 'raw' | 'percent';
}

const DENY_STYLES: readonly OAuth1DenyStyle[] = [
  'denied',
  'error',
  'oauth_problem',
  'oauth_problem_only',
  'no_verifier',
  'verifier_denied',
];

function bad(option: string, given: unknown, accepted: string): TypeError {
  return new TypeError(`createMockBitbucket: ${option} must be ${accepted}; got ${JSON.stringify(given)}`);
}

function oneOf<T extends string>(option: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw bad(option, value, allowed.map((a) => JSON.stringify(a)).join(' or '));
  return value;
}

function seconds(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw bad(option, value, 'a finite number of seconds >= 0');
  }
  return value;
}

function dataCenterPath(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  // A context path: one or more segments of URL path characters, no trailing slash, nothing to decode.
  if (typeof value !== 'string' || !/^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/.test(value)) {
    throw bad('dataCenterPath', value, 'a path such as "/bitbucket" (no trailing slash)');
  }
  return value;
}

/** Checks a denial style (for the option and for `setOAuth1DenyStyle`). */
export function checkDenyStyle(value: OAuth1DenyStyle | undefined): OAuth1DenyStyle | undefined {
  if (value === undefined) return undefined;
  return oneOf('oauth1DenyStyle', value, DENY_STYLES, value);
}

/** Validates the options of `createMockBitbucket` and applies the defaults. */
export function mockSettings(options: MockBitbucketOptions): MockSettings {
  const window = options.oauth1TimestampWindowSeconds ?? 300;
  if (!Number.isFinite(window) || window <= 0) {
    throw new RangeError('createMockBitbucket: oauth1TimestampWindowSeconds must be a positive number');
  }
  const denyStyle = checkDenyStyle(options.oauth1DenyStyle);
  const codeLifetime = seconds('authorizationCodeLifetimeSeconds', options.authorizationCodeLifetimeSeconds);
  const refreshLifetime = seconds('refreshTokenLifetimeSeconds', options.refreshTokenLifetimeSeconds);
  return {
    autoApprove: options.autoApprove ?? false,
    oauth1TimestampWindowSeconds: window,
    tokenScopeField: options.tokenScopeField ?? 'scope',
    ...(denyStyle ? { oauth1DenyStyle: denyStyle } : {}),
    dataCenterPath: dataCenterPath(options.dataCenterPath),
    cloudPkce: oneOf('cloudPkce', options.cloudPkce, ['ignore', 'enforce'], 'ignore'),
    ...(codeLifetime !== undefined ? { authorizationCodeLifetimeSeconds: codeLifetime } : {}),
    ...(refreshLifetime !== undefined ? { refreshTokenLifetimeSeconds: refreshLifetime } : {}),
    aUsernameEncoding: oneOf('aUsernameEncoding', options.aUsernameEncoding, ['raw', 'percent'], 'raw'),
  };
}

/** Checks the `port` option: an integer from 0 (a free port) to 65535. */
export function checkPort(port: unknown): number {
  if (port === undefined) return 0;
  if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  throw new RangeError(`createMockBitbucket: port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
}

/** Checks an origin for `addOrigin` (`http://host:port`, nothing after it) and returns it normalized. */
export function checkOrigin(origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
    throw new TypeError(
      `addOrigin: origin must be an http(s) origin such as "http://127.0.0.1:8080"; got ${JSON.stringify(origin)}`,
    );
  }
  return parsed.origin;
}
