/**
 * Reads the environment once, at start-up. The example reads `process.env` only (no dotenv
 * dependency): export the variables from examples/login/.env.example in your shell, or use
 * `node --env-file=.env` on Node 20.6+.
 */
import { randomBytes } from 'node:crypto';
import type { BitbucketOAuth2StrategyOptions, BitbucketStrategyOptions } from 'passport-bitbucket-oauth';

/** The OAuth 2.0 consumer: credentials plus, for the mock or Data Center, where Bitbucket is. */
export type OAuth2Client = Pick<
  BitbucketOAuth2StrategyOptions,
  | 'clientID'
  | 'clientSecret'
  | 'baseURL'
  | 'authorizationURL'
  | 'tokenURL'
  | 'userProfileURL'
  | 'userEmailsURL'
  | 'userWorkspacesURL'
>;

/** The OAuth 1.0a consumer, likewise. */
export type OAuth1Consumer = Pick<
  BitbucketStrategyOptions,
  | 'consumerKey'
  | 'consumerSecret'
  | 'baseURL'
  | 'requestTokenURL'
  | 'userAuthorizationURL'
  | 'accessTokenURL'
  | 'userProfileURL'
  | 'userEmailsURL'
  | 'userWorkspacesURL'
>;

/** What `createApp` needs. Tests build one by hand. */
export interface AppConfig {
  /** Where browsers reach the app (no trailing slash); callback URLs are built from it. https turns on Secure cookies. */
  publicURL: string;
  sessionSecret: string;
  /** `null` hides the OAuth 2.0 button and its routes. */
  oauth2: OAuth2Client | null;
  /** `null` hides the OAuth 1.0a button and its routes. */
  oauth1: OAuth1Consumer | null;
  /** Set when signing in against the mock Bitbucket: every page says so. */
  mockURL?: string;
  /**
   * `BITBUCKET_WORKSPACES`: only members of these Cloud workspaces sign in. Unset: everybody signs in, and the
   * signed-in page lists the user's workspaces all the same (Cloud).
   */
  workspaces?: string[] | undefined;
}

/** The environment, checked. */
export interface Settings {
  /** `mock` when no Bitbucket credentials are set. */
  mode: 'mock' | 'real';
  /** 0 picks a free port. */
  port: number;
  /** `CALLBACK_URL`, when set; else the app's own `http://127.0.0.1:PORT`. */
  publicURL: string | undefined;
  sessionSecret: string;
  /** `REDIS_URL`, when set: sessions go to Redis, shared by every instance that uses it. */
  redisURL?: string | undefined;
  /** `BITBUCKET_WORKSPACES`, split at commas. */
  workspaces: string[] | undefined;
  /** Real mode only. */
  oauth2: OAuth2Client | null;
  oauth1: OAuth1Consumer | null;
  /** Things to tell the operator at start-up. */
  warnings: string[];
}

/** A setting that makes starting pointless; its message is for humans and names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** A variable's value, `undefined` when unset or blank. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/** Both variables of a pair, or neither: half a credential is a typo worth stopping for. */
function pair(env: Env, first: string, second: string): [string, string] | null {
  const a = read(env, first);
  const b = read(env, second);
  if (a && b) return [a, b];
  if (a || b)
    throw new ConfigError(`${a ? first : second} is set but ${a ? second : first} is not: set both, or neither.`);
  return null;
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new ConfigError(`PORT must be a number from 0 to 65535, got ${JSON.stringify(value)}.`);
  return port;
}

/** `CALLBACK_URL`: the public base URL of the app, e.g. `https://app.example.com`. */
function parsePublicURL(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `CALLBACK_URL must be an absolute URL such as https://app.example.com, got ${JSON.stringify(value)}.`,
    );
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new ConfigError('CALLBACK_URL must be a plain http(s) base URL, without query, fragment or credentials.');
  }
  return url.href.replace(/\/+$/, '');
}

/** `REDIS_URL`: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
function parseRedisURL(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new ConfigError('REDIS_URL must look like redis://host:6379 (or rediss:// for TLS).');
  return value;
}

/** `BITBUCKET_WORKSPACES=acme,{uuid},…`: the Cloud workspaces whose members may sign in. */
function parseWorkspaces(value: string | undefined, baseURL: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (baseURL) {
    throw new ConfigError(
      'BITBUCKET_WORKSPACES is a Bitbucket Cloud feature: unset it, or BITBUCKET_BASE_URL (Data Center has no workspaces).',
    );
  }
  const list = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (list.length === 0) throw new ConfigError('BITBUCKET_WORKSPACES must list workspace slugs, e.g. acme,globex.');
  return list;
}

/**
 * Turns the environment into settings. Throws a `ConfigError` for values that cannot work.
 * `randomSecret` is a parameter so tests can see when a secret was made up.
 */
export function readSettings(env: Env, randomSecret = (): string => randomBytes(32).toString('hex')): Settings {
  const client = pair(env, 'BITBUCKET_CLIENT_ID', 'BITBUCKET_CLIENT_SECRET');
  const consumer = pair(env, 'BITBUCKET_CONSUMER_KEY', 'BITBUCKET_CONSUMER_SECRET');
  const baseURL = read(env, 'BITBUCKET_BASE_URL');
  const mode = client || consumer ? 'real' : 'mock';
  if (mode === 'mock' && baseURL) {
    throw new ConfigError(
      'BITBUCKET_BASE_URL is set but no credentials are: set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET too.',
    );
  }
  const warnings: string[] = [];
  let sessionSecret = read(env, 'SESSION_SECRET');
  if (!sessionSecret) {
    sessionSecret = randomSecret();
    // In mock mode a throw-away secret is the right default; with real accounts, say what it costs.
    if (mode === 'real')
      warnings.push(
        'SESSION_SECRET is not set: using a random one, so everyone is signed out when the server restarts.',
      );
  }
  const base = baseURL ? { baseURL } : {};
  return {
    mode,
    port: parsePort(read(env, 'PORT'), mode === 'mock' ? 0 : 3000),
    publicURL: parsePublicURL(read(env, 'CALLBACK_URL')),
    sessionSecret,
    redisURL: parseRedisURL(read(env, 'REDIS_URL')),
    workspaces: parseWorkspaces(read(env, 'BITBUCKET_WORKSPACES'), baseURL),
    oauth2: client ? { clientID: client[0], clientSecret: client[1], ...base } : null,
    oauth1: consumer ? { consumerKey: consumer[0], consumerSecret: consumer[1], ...base } : null,
    warnings,
  };
}
