import { randomBytes } from 'node:crypto';
import type { MockUser } from '../types';

/** Which product a credential belongs to: Bitbucket Cloud or Data Center. */
export type Family = 'cloud' | 'dc';

/** PKCE challenge sent at authorize time. */
export interface PkceChallenge {
  value: string;
  method: 'S256' | 'plain';
}

/** An OAuth 2.0 authorization code waiting to be exchanged. */
export interface CodeRecord {
  clientId: string;
  family: Family;
  /** The `redirect_uri` given at authorize time, if any: the token request must repeat it exactly. */
  redirectUri?: string;
  user: MockUser;
  scopes: string[];
  challenge?: PkceChallenge;
  expiresAt: number;
}

/** An OAuth 2.0 access token. */
export interface AccessTokenRecord {
  clientId: string;
  family: Family;
  user: MockUser;
  scopes: string[];
  expiresAt: number;
  expired: boolean;
}

/** An OAuth 2.0 refresh token. */
export interface RefreshTokenRecord {
  clientId: string;
  family: Family;
  user: MockUser;
  scopes: string[];
}

/** An OAuth 1.0a request token (temporary credentials). */
export interface RequestTokenRecord {
  consumerKey: string;
  secret: string;
  callback: string;
  family: Family;
  /** Set once the user granted access. */
  approval?: { verifier: string; user: MockUser };
}

/** A refresh token as stored: the grant it renews, until when, and whether it was expired by hand. */
export interface RefreshTokenEntry extends RefreshTokenRecord {
  expiresAt: number;
  expired: boolean;
}

/** An OAuth 1.0a access token (token credentials). */
export interface OAuth1TokenRecord {
  consumerKey: string;
  family: Family;
  secret: string;
  user: MockUser;
  expired: boolean;
}

/** A random URL-safe token. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lifetimes, in seconds. */
export const LIFETIME = {
  // NOTE: Cloud access tokens live 2 hours; Data Center ones 1 hour.
  cloudAccessToken: 7200,
  dcAccessToken: 3600,
  cloudCode: 60,
  // NOTE: Data Center authorization codes live 10 seconds by default.
  dcCode: 10,
  // NOTE: unused refresh tokens die after 3 months on Cloud (since 2026-05-04), 90 days on Data Center.
  refreshToken: 90 * 24 * 3600,
} as const;

/** How many codes, tokens of each kind and request tokens a mock remembers: the newest ones. */
export const MAX_REMEMBERED = 10_000;

/**
 * A map that forgets its oldest entry past {@link MAX_REMEMBERED}.
 * NOTE: a mock that runs for hours (the CLI under a CI's e2e suite) issues tokens that nobody uses again; kept for
 * ever, they grew its heap by about 650 bytes per sign-in.
 */
export class RecentMap<K, V> extends Map<K, V> {
  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > MAX_REMEMBERED) this.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * Everything a mock instance has issued: in memory, the newest {@link MAX_REMEMBERED} of each kind; expiry is
 * checked on use, so no timers.
 */
export class MockStore {
  readonly codes = new RecentMap<string, CodeRecord>();
  readonly accessTokens = new RecentMap<string, AccessTokenRecord>();
  readonly refreshTokens = new RecentMap<string, RefreshTokenEntry>();
  readonly requestTokens = new RecentMap<string, RequestTokenRecord>();
  readonly oauth1Tokens = new RecentMap<string, OAuth1TokenRecord>();
  private readonly nonces = new Map<string, Map<string, number>>();
  /** Data Center redirect URIs registered for consumers whose callback URL is a placeholder, by client id and origin. */
  readonly dcRedirects = new Map<string, string>();

  /** @param refreshLifetimeSeconds lifetime of refresh tokens; default {@link LIFETIME.refreshToken}. */
  constructor(private readonly refreshLifetimeSeconds: number = LIFETIME.refreshToken) {}

  /** Stores a new authorization code (and forgets expired ones). */
  issueCode(record: CodeRecord): string {
    const now = Date.now();
    for (const [code, old] of this.codes) if (old.expiresAt <= now) this.codes.delete(code);
    const code = randomToken(18);
    this.codes.set(code, record);
    return code;
  }

  /** Removes a code and returns it if it is still valid: codes are single-use, even on a failed exchange. */
  takeCode(code: string | null): CodeRecord | undefined {
    if (code === null) return undefined;
    const record = this.codes.get(code);
    this.codes.delete(code);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  /** Issues an access token and, when asked, a refresh token. */
  issueTokens(
    grant: RefreshTokenRecord,
    withRefresh: boolean,
  ): { accessToken: string; refreshToken?: string; expiresIn: number } {
    const expiresIn = grant.family === 'cloud' ? LIFETIME.cloudAccessToken : LIFETIME.dcAccessToken;
    const accessToken = randomToken(32);
    this.accessTokens.set(accessToken, { ...grant, expiresAt: Date.now() + expiresIn * 1000, expired: false });
    if (!withRefresh) return { accessToken, expiresIn };
    const refreshToken = randomToken(32);
    const { clientId, family, user, scopes } = grant;
    const expiresAt = Date.now() + this.refreshLifetimeSeconds * 1000;
    this.refreshTokens.set(refreshToken, { clientId, family, user, scopes, expiresAt, expired: false });
    return { accessToken, refreshToken, expiresIn };
  }

  /**
   * Records a nonce for a consumer; `false` when it was already used. A nonce is remembered until
   * its timestamp leaves the window (after that the timestamp check rejects it anyway).
   */
  useNonce(consumerKey: string, nonce: string, timestamp: number, windowSeconds: number): boolean {
    const now = Date.now() / 1000;
    let seen = this.nonces.get(consumerKey);
    if (!seen) {
      seen = new Map();
      this.nonces.set(consumerKey, seen);
    }
    for (const [old, forgetAt] of seen) if (forgetAt < now) seen.delete(old);
    if (seen.has(nonce)) return false;
    seen.set(nonce, timestamp + windowSeconds);
    return true;
  }

  /** The grant of a refresh token that is still alive, `undefined` for an unknown, expired or revoked one. */
  liveRefreshToken(token: string): RefreshTokenEntry | undefined {
    const entry = this.refreshTokens.get(token);
    return entry && !entry.expired && entry.expiresAt > Date.now() ? entry : undefined;
  }

  /** Marks every refresh token issued so far as expired. */
  expireRefreshTokens(): void {
    for (const token of this.refreshTokens.values()) token.expired = true;
  }

  /** Marks every access token issued so far (OAuth 2.0 and OAuth 1.0a) as expired. */
  expireAll(): void {
    for (const token of this.accessTokens.values()) token.expired = true;
    for (const token of this.oauth1Tokens.values()) token.expired = true;
  }
}
