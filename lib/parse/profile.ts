import { CLOUD_SITE_URL, type Deployment } from '../bitbucket';
import { invalidResponse, isObject, optionalHttpURL, optionalString, requireObject, type JSONObject } from './narrow';
import { orderEmails } from './emails';
import type { BitbucketEmail, BitbucketEmailsError, BitbucketProfile } from './profile-types';

export { orderEmails, parseEmailsPage, type EmailsPage } from './emails';

/**
 * Splits a display name into given and family names: the last word is the family name.
 * Best effort only: names do not split this simply in every culture, so use `displayName` to show.
 *
 * @example
 * ```ts
 * splitName('Jane van Doe'); // { givenName: 'Jane van', familyName: 'Doe' }
 * splitName('Cher');         // { givenName: 'Cher', familyName: '' }
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function splitName(displayName: string | undefined): { givenName: string; familyName: string } | undefined {
  const words = displayName?.trim().split(/\s+/) ?? [];
  if (words.length === 0 || words[0] === '') return undefined;
  if (words.length === 1) return { givenName: words[0] as string, familyName: '' };
  return { givenName: words.slice(0, -1).join(' '), familyName: words[words.length - 1] as string };
}

/** The fields both deployments fill the same way. */
interface ProfileParts {
  deployment: Deployment;
  baseURL: string;
  id: string;
  raw: string;
  json: JSONObject;
  username: string | undefined;
  displayName: string | undefined;
  profileUrl: string | undefined;
  photo: string | undefined;
  emails: readonly BitbucketEmail[];
  emailsError: BitbucketEmailsError | undefined;
}

/** The Cloud-only fields. */
interface CloudExtras {
  accountId?: string | undefined;
  nickname?: string | undefined;
}

/**
 * The profile, field by field in the order a user sees when printing it (absent fields are left out).
 * NOTE: assigned one after the other, not spread: a conditional spread per field took V8's slow path at every login.
 */
function assemble(parts: ProfileParts, extra: CloudExtras): BitbucketProfile {
  const name = splitName(parts.displayName);
  const profile: Partial<BitbucketProfile> = {
    provider: 'bitbucket',
    id: parts.id,
    deployment: parts.deployment,
    baseURL: parts.baseURL,
  };
  if (extra.accountId !== undefined) profile.accountId = extra.accountId;
  if (extra.nickname !== undefined) profile.nickname = extra.nickname;
  if (parts.username !== undefined) profile.username = parts.username;
  profile.displayName = parts.displayName ?? extra.nickname ?? parts.username ?? parts.id;
  if (name) profile.name = name;
  if (parts.profileUrl !== undefined) profile.profileUrl = parts.profileUrl;
  profile.photos = parts.photo !== undefined ? [{ value: parts.photo }] : [];
  profile.emails = orderEmails(parts.emails);
  if (parts.emailsError) profile.emailsError = parts.emailsError;
  profile._raw = parts.raw;
  profile._json = parts.json;
  return profile as BitbucketProfile;
}

/**
 * What the Cloud parser takes besides the user body.
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export interface CloudProfileInput {
  /** The `/2.0/user` body, parsed. */
  user: unknown;
  /** The `/2.0/user` body as received (kept as `_raw`); defaults to re-serializing `user`. */
  raw?: string;
  /** Every address from every emails page. */
  emails?: readonly BitbucketEmail[];
  /** Why emails are missing, when the login goes on without them. */
  emailsError?: BitbucketEmailsError;
}

/**
 * Turns Bitbucket Cloud's `GET /2.0/user` body (and the user's emails) into a profile.
 * Pure: no I/O. Throws a `BitbucketAPIError` (`invalid_response`) when there is no usable id.
 *
 * @example
 * ```ts
 * const profile = parseCloudProfile({ user: JSON.parse(body), emails: [] });
 * profile.id; // '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}'
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function parseCloudProfile(input: CloudProfileInput): BitbucketProfile {
  const json = requireObject(input.user, 'user');
  // NOTE: Bitbucket sends the uuid wrapped in braces; it is kept as is, because that is the key
  // every earlier Bitbucket strategy stored, so existing users keep matching.
  const id = optionalString(json.uuid);
  if (id === undefined) throw invalidResponse('user "uuid" property must be a non-empty string');
  // NOTE: since the 2019 privacy changes `username` may be absent and `nickname` is not unique.
  const nickname = optionalString(json.nickname);
  const accountId = optionalString(json.account_id);
  const links = isObject(json.links) ? json.links : {};
  const href = (name: string): unknown => {
    const link = links[name];
    return isObject(link) ? link.href : undefined;
  };
  return assemble(
    {
      deployment: 'cloud',
      baseURL: CLOUD_SITE_URL,
      id,
      raw: input.raw ?? JSON.stringify(json),
      json,
      username: optionalString(json.username) ?? nickname,
      displayName: optionalString(json.display_name),
      profileUrl: optionalHttpURL(href('html')),
      photo: optionalHttpURL(href('avatar')),
      emails: input.emails ?? [],
      emailsError: input.emailsError,
    },
    { accountId, nickname },
  );
}

/**
 * NOTE: Data Center's `avatarUrl` is relative to the base URL, context path included
 * (`https://host/bitbucket` + `/users/jdoe/avatar.png`); some versions write it with the context path
 * already in (`/bitbucket/users/…`), which must not be repeated. Absolute URLs are kept.
 */
function dataCenterAvatar(avatarUrl: unknown, baseURL: string): string | undefined {
  const path = optionalString(avatarUrl);
  // NOTE: `/\host` is `//host` to a URL parser: another host, never a path under the base URL.
  if (path === undefined || !path.startsWith('/') || /^\/[/\\]/.test(path)) return optionalHttpURL(path);
  if (!URL.canParse(baseURL)) return undefined;
  const base = new URL(baseURL);
  const context = base.pathname.replace(/\/+$/, '');
  const underBase = context !== '' && (path === context || path.startsWith(`${context}/`));
  return optionalHttpURL(underBase ? path : `${context}${path}`, base.origin);
}

/**
 * Turns Bitbucket Data Center's `GET /rest/api/latest/users/{slug}` body into a profile.
 * Pure: no I/O. `baseURL` (the server's base URL, context path included) resolves the relative
 * `avatarUrl` and becomes `profile.baseURL`.
 *
 * @example
 * ```ts
 * const profile = parseDataCenterProfile(JSON.parse(body), 'https://bitbucket.example.com');
 * profile.username; // 'jcitizen'
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function parseDataCenterProfile(user: unknown, baseURL: string, raw?: string): BitbucketProfile {
  const json = requireObject(user, 'user');
  const rawId = json.id;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? String(rawId) : optionalString(rawId);
  if (id === undefined) throw invalidResponse('user "id" property must be an integer');
  const username = optionalString(json.name) ?? optionalString(json.slug);
  if (username === undefined) throw invalidResponse('user "name" property must be a non-empty string');
  const selfLinks = isObject(json.links) && Array.isArray(json.links.self) ? json.links.self : [];
  const firstSelf: unknown = selfLinks[0];
  const email = optionalString(json.emailAddress);
  return assemble(
    {
      deployment: 'datacenter',
      baseURL,
      id,
      raw: raw ?? JSON.stringify(json),
      json,
      username,
      displayName: optionalString(json.displayName),
      profileUrl: optionalHttpURL(isObject(firstSelf) ? firstSelf.href : undefined),
      photo: dataCenterAvatar(json.avatarUrl, baseURL),
      // NOTE: Data Center does not say whether an address was confirmed (admins and directories set them).
      emails: email !== undefined ? [{ value: email, primary: true, verified: false }] : [],
      emailsError: undefined,
    },
    {},
  );
}
