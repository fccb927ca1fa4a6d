import { BitbucketAPIError } from '../errors';
import type { HttpResponse } from '../transport/http';
import { asciiLowerCase, invalidResponse, isObject, optionalString } from '../parse/narrow';
import { parseDataCenterProfile } from '../parse/profile';
import type { BitbucketProfile } from '../parse/profile-types';
import { apiError, get, getJSON, type APIContext } from './authorized-get';

/** Where the Data Center profile comes from. */
export interface DataCenterProfileSources {
  baseURL: string;
  /** The `whoami` servlet. */
  whoamiURL: string;
  /** The users resource, ending in `/`. */
  usersURL: string;
}

/**
 * Reads the Data Center user: `whoami` names them, then the users resource describes them.
 * NOTE: Data Center has no "myself" endpoint; every response names the user in `X-AUSERNAME`,
 * and whoami can answer 200 for an anonymous caller, so the header is read, not the status.
 */
export async function fetchDataCenterProfile(
  sources: DataCenterProfileSources,
  ctx: APIContext,
): Promise<BitbucketProfile> {
  const whoami = await get(sources.whoamiURL, ctx);
  if (whoami.status < 200 || whoami.status >= 300) throw apiError('GET', sources.whoamiURL, whoami);
  const header = whoami.headers['x-ausername'];
  const username = decodeHeaderValue(optionalString(Array.isArray(header) ? header[0] : header)?.trim());
  if (username === undefined) {
    throw invalidResponse('whoami carries no X-AUSERNAME header (the token was not accepted)', whoami.status);
  }
  const { json, raw, response } = await getDataCenterUser(sources.usersURL, username, ctx);
  // NOTE: a proxy or cache answering with someone else's user must not sign this user in as them. Compared
  // without ASCII case only: with `toLowerCase()`, "\u212Aate" (KELVIN SIGN) whoami names would pass for "kate",
  // whom the lower-case lookup above reads when "\u212Aate" has no users resource of its own.
  const names = isObject(json) ? [json.name, json.slug].filter((n): n is string => typeof n === 'string') : [];
  if (names.length > 0 && !names.some((n) => asciiLowerCase(n) === asciiLowerCase(username))) {
    throw invalidResponse('users resource describes another user than whoami named', response.status);
  }
  return parseDataCenterProfile(json, sources.baseURL, raw);
}

/** A users answer: the user's JSON, its text (the profile's `_raw`), the response. */
interface UserAnswer {
  json: unknown;
  raw: string;
  response: HttpResponse;
}

/**
 * Reads `users/{slug}` for a user name.
 * NOTE: Data Center addresses users by slug, usually the name in lower case; X-AUSERNAME carries the name as
 * typed (`JDoe`). But a slug follows no rule a client can rely on (`jane.doe@corp` has the slug `jane.doe_corp`):
 * the name is tried first, then, on a 404, its lower-case form, then the users whose name contains it
 * (`users?filter=`), of which the one named exactly so.
 */
async function getDataCenterUser(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer> {
  let notFound: BitbucketAPIError | undefined;
  for (const slug of new Set([username, username.toLowerCase()])) {
    try {
      return await getJSON(`${usersURL}${encodeURIComponent(slug)}?avatarSize=256`, ctx);
    } catch (err) {
      if (!(err instanceof BitbucketAPIError && err.status === 404)) throw err;
      notFound ??= err;
    }
  }
  // An error answer to the search (a server that does not offer it) leaves the 404; no answer at all is an error.
  const found = await findByName(usersURL, username, ctx).catch((err: unknown) => {
    if (err instanceof BitbucketAPIError && err.status !== null) return undefined;
    throw err;
  });
  if (found === undefined) throw notFound as BitbucketAPIError;
  return found;
}

/** The user named exactly `username` among those `users?filter=` finds (a page of up to 100), if any. */
async function findByName(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer | undefined> {
  const filter = `${usersURL.replace(/\/+$/, '')}?filter=${encodeURIComponent(username)}&avatarSize=256&limit=100`;
  const { json, response } = await getJSON(filter, ctx);
  const values: unknown[] = isObject(json) && Array.isArray(json.values) ? (json.values as unknown[]) : [];
  const user = values.find(
    (v) => isObject(v) && typeof v.name === 'string' && asciiLowerCase(v.name) === asciiLowerCase(username),
  );
  return user === undefined ? undefined : { json: user, raw: JSON.stringify(user), response };
}

/**
 * NOTE: Bitbucket Data Center sends `X-AUSERNAME` as the name is (`jane.doe@corp`), but a proxy in front of
 * it may percent-encode the header (`jane.doe%40corp`), so valid percent-encoding is decoded; anything else,
 * the raw name included, is taken as it is. Node reads header bytes as Latin-1: a name sent in UTF-8 (`jürgen`
 * as the bytes C3 BC) is read back as UTF-8 when its bytes are valid UTF-8, as Latin-1 text almost never is.
 */
function decodeHeaderValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return utf8Read(decodeURIComponent(value));
  } catch {
    return utf8Read(value);
  }
}

/** Header text whose characters are bytes (Latin-1) read as UTF-8 when they are valid UTF-8 beyond ASCII. */
function utf8Read(text: string): string {
  // eslint-disable-next-line no-control-regex -- any character beyond ASCII
  if (!/[^\x00-\x7f]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const decoded = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoded.decode(bytes);
  } catch {
    return text;
  }
}
