import { invalidResponse, isObject } from '../parse/narrow';
import { whoamiUsername } from '../parse/datacenter-username';
import { parseDataCenterProfile } from '../parse/profile';
import type { BitbucketProfile } from '../parse/profile-types';
import { apiError, get, type APIContext } from './authorized-get';
import { getDataCenterUser } from './datacenter-users';

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
  const username = whoamiUsername(whoami.headers['x-ausername'], whoami.body);
  if (username === undefined) {
    throw invalidResponse('whoami carries no X-AUSERNAME header (the token was not accepted)', whoami.status);
  }
  const { json, raw } = await getDataCenterUser(sources.usersURL, username, ctx);
  // NOTE: the address comes with the user (no call to skip); `emails: false` keeps it out of the profile, its
  // `_json` and `_raw` included, where apps that store the profile would keep it all the same.
  if (!sources.emails && isObject(json) && 'emailAddress' in json) {
    const { emailAddress: _left, ...withoutAddress } = json;
    return parseDataCenterProfile(withoutAddress, sources.baseURL, JSON.stringify(withoutAddress));
  }
  return parseDataCenterProfile(json, sources.baseURL, raw);
}
