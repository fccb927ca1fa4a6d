import { asciiLowerCase, invalidResponse, isObject, optionalString, requireObject } from './narrow';
import type { BitbucketWorkspace } from './profile-types';

/**
 * One parsed page of `/2.0/user/workspaces` (`paginated_workspace_access`).
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export interface WorkspacesPage {
  workspaces: BitbucketWorkspace[];
  /** The next page's URL, or `null` on the last page. */
  next: string | null;
}

/**
 * Parses one page of Bitbucket Cloud's `GET /2.0/user/workspaces`.
 * Pure: no I/O. Rows without a workspace slug and uuid are skipped (they can match no allowed workspace);
 * a page whose `values` is not a list, or whose `next` is not a string, is an error.
 *
 * @example
 * ```ts
 * const { workspaces, next } = parseWorkspacesPage(JSON.parse(body));
 * workspaces[0]; // { slug: 'acme', uuid: '{…}', name: 'ACME', administrator: false }
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function parseWorkspacesPage(json: unknown): WorkspacesPage {
  const page = requireObject(json, 'workspaces page');
  if (!Array.isArray(page.values)) throw invalidResponse('workspaces page "values" property must be an array');
  if (page.next !== undefined && page.next !== null && typeof page.next !== 'string') {
    throw invalidResponse('workspaces page "next" property must be a string');
  }
  const workspaces: BitbucketWorkspace[] = [];
  for (const row of page.values) {
    // NOTE: each row is a `workspace_access`: the workspace itself is one level down, beside `administrator`.
    const workspace = isObject(row) && isObject(row.workspace) ? row.workspace : undefined;
    const slug = optionalString(workspace?.slug);
    const uuid = optionalString(workspace?.uuid);
    if (!isObject(row) || slug === undefined || uuid === undefined) continue;
    workspaces.push({
      slug,
      uuid,
      name: optionalString(workspace?.name) ?? slug,
      // Anything but `true` counts as no: a role must never be granted by accident.
      administrator: row.administrator === true,
    });
  }
  return { workspaces, next: optionalString(page.next) ?? null };
}

/** The allowed workspaces, normalized once: slugs in lower case, uuids in lower case with braces. */
export interface AllowedWorkspaces {
  slugs: ReadonlySet<string>;
  uuids: ReadonlySet<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// NOTE: Bitbucket's workspace IDs (slugs) are lower-case letters, digits, `-`, `_` (and `.` in old accounts);
// upper case is accepted here and compared case-insensitively, as Bitbucket's URLs do.
const SLUG = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * The key of a uuid for comparison: braces kept (added when absent), lower case.
 * NOTE: Bitbucket sends uuids wrapped in braces; tools and copy-paste often drop them or change the case.
 */
export function uuidKey(uuid: string): string {
  const bare = uuid.trim().replace(/^\{(.*)\}$/, '$1');
  return `{${asciiLowerCase(bare)}}`;
}

/** A value as quoted JSON for an error message (`undefined` and functions, which JSON cannot say, as text). */
function quoted(value: unknown): string {
  return value === undefined || typeof value === 'function' ? String(value) : JSON.stringify(value);
}

/**
 * Reads the `workspaces` option: each entry a slug (`acme`) or a workspace uuid in braces (`{…}`).
 * Throws a `TypeError` naming the option and the entry otherwise.
 */
export function allowedWorkspaces(option: unknown): AllowedWorkspaces {
  const accepted = 'a non-empty list of workspace slugs ("acme") or workspace uuids in braces ("{…}")';
  if (!Array.isArray(option) || option.length === 0) {
    throw new TypeError(`workspaces must be ${accepted}, got ${quoted(option)}`);
  }
  const slugs = new Set<string>();
  const uuids = new Set<string>();
  option.forEach((entry: unknown, i) => {
    const text = typeof entry === 'string' ? entry.trim() : undefined;
    const got = quoted(entry);
    if (text !== undefined && /^\{.*\}$/.test(text) && UUID.test(text.slice(1, -1))) uuids.add(uuidKey(text));
    else if (text !== undefined && UUID.test(text)) {
      throw new TypeError(
        `workspaces[${i}] looks like a workspace uuid without its braces, got ${got}: write "{${text}}"`,
      );
    } else if (text !== undefined && SLUG.test(text)) slugs.add(asciiLowerCase(text));
    else
      throw new TypeError(`workspaces[${i}] must be a workspace slug ("acme") or a uuid in braces ("{…}"), got ${got}`);
  });
  return { slugs, uuids };
}

/** True when the user's workspace is one of the allowed ones (slug ASCII-case-insensitive, uuid normalized). */
export function isAllowedWorkspace(allowed: AllowedWorkspaces, workspace: BitbucketWorkspace): boolean {
  return allowed.slugs.has(asciiLowerCase(workspace.slug)) || allowed.uuids.has(uuidKey(workspace.uuid));
}
