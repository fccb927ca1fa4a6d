/**
 * The signed-in user as this app keeps it in the session: what the pages show, nothing more.
 * NOTE: no tokens. A real app that calls Bitbucket later would store them server-side (encrypted),
 * never in the page and never in a cookie.
 */
import type { BitbucketProfile } from 'passport-bitbucket-oauth';

export interface SignedInUser {
  protocol: 'OAuth 2.0' | 'OAuth 1.0a';
  deployment: 'cloud' | 'datacenter';
  /** Cloud: the uuid, braces kept. Data Center: the numeric user id. */
  id: string;
  /** Cloud: the Atlassian account id, the key to store users by. */
  accountId: string | null;
  username: string | null;
  displayName: string;
  avatarURL: string | null;
  profileURL: string | null;
  /** Primary first, as the strategy orders them. */
  emails: { value: string; primary: boolean; verified: boolean }[];
  /** Why the emails could not be read, when the sign-in went on without them. */
  emailsProblem: string | null;
  /** Cloud: the workspaces the user can access; absent in sessions of older versions, `null` when not read. */
  workspaces?: { slug: string; name: string; administrator: boolean }[] | null;
  /** Granted scopes; `null` when Bitbucket did not say (OAuth 1.0a). */
  scopes: string[] | null;
  /** When the access token expires (ms since the epoch); `null` when Bitbucket did not say. */
  expiresAt: number | null;
}

/** What the token answer told us about the grant. */
export interface Grant {
  scopes: string[] | null;
  expiresInSeconds: number | null;
}

/** Builds the session user from the normalized profile. */
export function toSignedInUser(
  profile: BitbucketProfile,
  protocol: SignedInUser['protocol'],
  grant: Grant,
  now = Date.now(),
): SignedInUser {
  return {
    protocol,
    deployment: profile.deployment,
    id: profile.id,
    accountId: profile.accountId ?? null,
    username: profile.username ?? null,
    displayName: profile.displayName,
    avatarURL: profile.photos[0]?.value ?? null,
    profileURL: profile.profileUrl ?? null,
    emails: profile.emails.map(({ value, primary, verified }) => ({ value, primary, verified })),
    emailsProblem: profile.emailsError?.message ?? null,
    workspaces: profile.workspaces?.map(({ slug, name, administrator }) => ({ slug, name, administrator })) ?? null,
    scopes: grant.scopes,
    expiresAt: grant.expiresInSeconds === null ? null : now + grant.expiresInSeconds * 1000,
  };
}

/** A session written by another version of this app is treated as signed out rather than crashing a page. */
export function isSignedInUser(value: unknown): value is SignedInUser {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Partial<Record<keyof SignedInUser, unknown>>;
  return (
    typeof u.id === 'string' &&
    typeof u.displayName === 'string' &&
    Array.isArray(u.emails) &&
    typeof u.protocol === 'string'
  );
}
