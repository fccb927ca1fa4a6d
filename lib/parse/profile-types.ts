import type { Profile } from 'passport';
import type { Deployment } from '../bitbucket';

/** One email address of the user, as the profile carries it. */
export interface BitbucketEmail {
  value: string;
  /** The user's primary address on Bitbucket. */
  primary: boolean;
  /** Bitbucket confirmed the user owns it. Data Center does not say, so its address is `false`. */
  verified: boolean;
}

/** Why a profile carries no (or not all) emails, when the login went on without them. */
export interface BitbucketEmailsError {
  /** HTTP status of the emails call (403 for a missing `email` scope). */
  status: number | null;
  /** Bitbucket's message. */
  message: string;
  /** Scopes the endpoint requires, when Bitbucket said. */
  required?: string[];
  /** Scopes the token has, when Bitbucket said. */
  granted?: string[];
}

/** A Bitbucket Cloud workspace the user can access, from `GET /2.0/user/workspaces`. */
export interface BitbucketWorkspace {
  /** The workspace ID as it appears in URLs (`acme`). */
  slug: string;
  /** The workspace uuid exactly as Bitbucket sends it, braces kept. */
  uuid: string;
  /** The display name (the slug when Bitbucket sent none). */
  name: string;
  /** The user administers the workspace. */
  administrator: boolean;
}

/**
 * The normalized Bitbucket user that both strategies pass to the verify callback.
 *
 * @example
 * ```ts
 * const primary = profile.emails.find((e) => e.primary && e.verified)?.value;
 * const user = await db.users.upsert({ bitbucketId: profile.id, email: primary });
 * ```
 */
export interface BitbucketProfile extends Profile {
  provider: 'bitbucket';
  /** Cloud: the user's `uuid` exactly as Bitbucket sends it, braces kept. Data Center: the numeric user id, as a string. */
  id: string;
  /** Where it came from. */
  deployment: Deployment;
  /**
   * The server the user belongs to: `https://bitbucket.org` on Cloud, the `baseURL` on Data Center.
   * NOTE: Data Center ids are only unique within one server: an app that connects several servers keys
   * its users by `(baseURL, id)`.
   */
  baseURL: string;
  /** Cloud: Atlassian `account_id`, shared across Atlassian products. */
  accountId?: string;
  /** Cloud: `nickname` (not unique). */
  nickname?: string;
  /** Cloud: `username`, else `nickname`. Data Center: `name`. */
  username?: string;
  /** `display_name` (Cloud) or `displayName` (Data Center), else nickname or username. */
  displayName: string;
  /** Best-effort split of the display name: last word is the family name. */
  name?: { givenName: string; familyName: string };
  /** The user's page on Bitbucket. */
  profileUrl?: string;
  photos: { value: string }[];
  /**
   * The verified primary first, then other verified addresses, then unverified ones (an unverified primary
   * first among those): `emails[0]` is verified whenever the user has a verified address. Empty when none could be read.
   */
  emails: BitbucketEmail[];
  /** Set when the emails could not be read but the login went on (e.g. the consumer lacks the `email` scope). */
  emailsError?: BitbucketEmailsError;
  /**
   * Cloud: every workspace the user can access, when the list was read (the `workspaces` or `readWorkspaces`
   * option); absent otherwise. Map roles from it, e.g. administrators of `acme`.
   */
  workspaces?: BitbucketWorkspace[];
  /** The user response body as received. */
  _raw: string;
  /** The user response body, parsed. */
  _json: Record<string, unknown>;
}

/**
 * The user object of Bitbucket Cloud's `GET /2.0/user`; every field is checked before use.
 * @see https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get
 */
export interface CloudUserJSON {
  uuid: string;
  account_id?: string;
  username?: string;
  nickname?: string;
  display_name?: string;
  links?: { html?: { href?: string }; avatar?: { href?: string } };
}

/**
 * One page of `GET /2.0/user/emails`.
 * @see https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-emails-get
 */
export interface CloudEmailsPageJSON {
  values: { email: string; is_primary?: boolean; is_confirmed?: boolean }[];
  next?: string;
}

/**
 * One page of `GET /2.0/user/workspaces` (`paginated_workspace_access`, CHANGE-3022).
 * @see https://developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/
 */
export interface CloudWorkspacesPageJSON {
  values: {
    type?: 'workspace_access';
    administrator?: boolean;
    workspace: { type?: 'workspace'; uuid: string; slug: string; name?: string };
  }[];
  pagelen?: number;
  page?: number;
  size?: number;
  next?: string;
  previous?: string;
}

/**
 * A user of Bitbucket Data Center's `GET /rest/api/latest/users/{slug}`.
 * @see https://developer.atlassian.com/server/bitbucket/rest/
 */
export interface DataCenterUserJSON {
  id: number;
  name: string;
  slug?: string;
  displayName?: string;
  emailAddress?: string;
  avatarUrl?: string;
  links?: { self?: { href?: string }[] };
}
