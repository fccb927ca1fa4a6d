import { BitbucketAPIError } from '../errors';
import type { HttpResponse } from '../transport/http';
import { asciiLowerCase, invalidResponse, isObject } from '../parse/narrow';
import { getJSON, type APIContext } from './authorized-get';

/** A users answer: the user's JSON, its text (the profile's `_raw`), the response. */
export interface UserAnswer {
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
export async function getDataCenterUser(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer> {
  let notFound: BitbucketAPIError | undefined;
  // The status of an answer that described someone else, if one did.
  let someoneElse: number | undefined;
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
    someoneElse ??= answer.response.status;
  }
  // An error answer to the search (a server that does not offer it) leaves the 404; no answer at all is an error.
  const found = await findByName(usersURL, username, ctx).catch((err: unknown) => {
    if (err instanceof BitbucketAPIError && err.status !== null) return undefined;
    throw err;
  });
  if (found !== undefined) return found;
  // NOTE: a proxy or cache answering with someone else's user must not sign this user in as them.
  if (someoneElse !== undefined) {
    throw invalidResponse('users resource describes another user than whoami named', someoneElse);
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

/** Most pages of `users?filter=` read (100 users each) looking for the user. */
const SEARCH_PAGES = 10;

/**
 * The user named `username` among those `users?filter=` finds (pages of 100, at most {@link SEARCH_PAGES}): the one
 * named exactly so, else the only one named so but for ASCII case.
 * NOTE: the filter matches names, display names and addresses, so the user may be on any page. Two users whose
 * names differ in ASCII case only, and none named exactly as whoami says, leave no way to tell who signed in:
 * nobody is chosen, whichever comes first.
 */
async function findByName(usersURL: string, username: string, ctx: APIContext): Promise<UserAnswer | undefined> {
  const search = `${usersURL.replace(/\/+$/, '')}?filter=${encodeURIComponent(username)}&avatarSize=256&limit=100`;
  const alike: UserAnswer[] = [];
  let start = 0;
  for (let page = 0; page < SEARCH_PAGES; page++) {
    const { json, response } = await getJSON(start === 0 ? search : `${search}&start=${start}`, ctx);
    const values: unknown[] = isObject(json) && Array.isArray(json.values) ? (json.values as unknown[]) : [];
    for (const user of values) {
      if (!isObject(user) || !namedAs(user.name, username)) continue;
      const answer = { json: user, raw: JSON.stringify(user), response };
      if (user.name === username) return answer;
      alike.push(answer);
    }
    const next = isObject(json) && json.isLastPage !== true ? json.nextPageStart : undefined;
    if (typeof next !== 'number' || !Number.isSafeInteger(next) || next <= start) break;
    start = next;
  }
  return alike.length === 1 ? alike[0] : undefined;
}
