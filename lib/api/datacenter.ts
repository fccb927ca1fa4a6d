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
  /** `false` (the `emails` option): the user's address stays out of the profile. */
  emails: boolean;
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
  const { json, raw } = await getDataCenterUser(sources.usersURL, username, ctx);
  const profile = parseDataCenterProfile(json, sources.baseURL, raw);
  // NOTE: the address comes with the user (no call to skip); `emails: false` still means none in the profile.
  if (!sources.emails) profile.emails = [];
  return profile;
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
 * the name is tried first, then its lower-case form, then the users whose name contains it (`users?filter=`), of
 * which the one named exactly so. A slug is not a name: the user found by slug `alice_corp` may be `alice@corp`
 * while whoami named another user, `alice_corp` (slug `alice_corp2`); only an answer whose `name` is whoami's
 * is taken.
 */
async function getDataCenterUser(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer> {
  let notFound: BitbucketAPIError | undefined;
  let someoneElse: UserAnswer | undefined;
  for (const slug of new Set([username, username.toLowerCase()])) {
    let answer: UserAnswer;
    try {
      answer = await getJSON(`${usersURL}${encodeURIComponent(slug)}?avatarSize=256`, ctx);
    } catch (err) {
      // 404: no user has that slug; 400: no slug can be written so (a name with `/` or `\`, which the server
      // refuses in a path): either way the search below finds the user.
      if (!(err instanceof BitbucketAPIError && (err.status === 404 || err.status === 400))) throw err;
      notFound ??= err;
      continue;
    }
    // Not an object at all: the parser says what is wrong with it.
    if (!isObject(answer.json) || namedAs(answer.json.name, username)) return answer;
    someoneElse ??= answer;
  }
  // An error answer to the search (a server that does not offer it) leaves the 404; no answer at all is an error.
  const found = await findByName(usersURL, username, ctx).catch((err: unknown) => {
    if (err instanceof BitbucketAPIError && err.status !== null) return undefined;
    throw err;
  });
  if (found !== undefined) return found;
  // NOTE: a proxy or cache answering with someone else's user must not sign this user in as them.
  if (someoneElse !== undefined) {
    throw invalidResponse('users resource describes another user than whoami named', someoneElse.response.status);
  }
  throw notFound as BitbucketAPIError;
}

/**
 * Whether a users resource's `name` is whoami's. Compared without ASCII case only: with `toLowerCase()`,
 * "\u212Aate" (KELVIN SIGN) whoami names would pass for "kate", whom the lower-case lookup reads.
 */
function namedAs(name: unknown, username: string): boolean {
  return typeof name === 'string' && asciiLowerCase(name) === asciiLowerCase(username);
}

/** The user named exactly `username` among those `users?filter=` finds (a page of up to 100), if any. */
async function findByName(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer | undefined> {
  const filter = `${usersURL.replace(/\/+$/, '')}?filter=${encodeURIComponent(username)}&avatarSize=256&limit=100`;
  const { json, response } = await getJSON(filter, ctx);
  const values: unknown[] = isObject(json) && Array.isArray(json.values) ? (json.values as unknown[]) : [];
  const user = values.find((v) => isObject(v) && namedAs(v.name, username));
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
