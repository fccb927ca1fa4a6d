import type { Deployment } from '../bitbucket';
import { parseJSON } from './narrow';
import { parseEmailsPage } from './emails';
import { parseCloudProfile, parseDataCenterProfile } from './profile';
import { parseTokenResponse } from './token-response';

/** Bodies shaped like Bitbucket's (made up, no real account): enough to run every branch of a successful parse. */
export const WARM_UP_BODIES = Object.freeze({
  token: '{"access_token":"w","refresh_token":"w","token_type":"bearer","scopes":"account email","expires_in":7200}',
  cloudUser:
    '{"uuid":"{00000000-0000-4000-8000-000000000000}","account_id":"0","nickname":"w","display_name":"W W",' +
    '"links":{"html":{"href":"https://bitbucket.org/w/"},"avatar":{"href":"https://bitbucket.org/w.png"}}}',
  // Two addresses, so that ordering them runs too.
  emails:
    '{"values":[{"email":"v@example.com","is_primary":false,"is_confirmed":false},' +
    '{"email":"w@example.com","is_primary":true,"is_confirmed":true}],"next":null}',
  dataCenterUser:
    '{"id":1,"name":"w","slug":"w","displayName":"W W","emailAddress":"w@example.com","avatarUrl":"/users/w/avatar.png",' +
    '"links":{"self":[{"href":"https://bitbucket.example.com/users/w"}]}}',
});

const warmed = new Set<Deployment>();

/**
 * Runs the callback's pure code once per process and deployment, on made-up bodies, when the first strategy is
 * built: V8 compiles a function on its first call, so otherwise the first sign-in of every process pays for
 * compiling the parsers, and for Node's `URLSearchParams`, in its callback.
 * No I/O, no logging, no event: the results are thrown away.
 */
export function warmUpCallbackCode(deployment: Deployment): void {
  if (warmed.has(deployment)) return;
  warmed.add(deployment);
  parseTokenResponse(parseJSON(WARM_UP_BODIES.token));
  if (deployment === 'datacenter') {
    parseDataCenterProfile(parseJSON(WARM_UP_BODIES.dataCenterUser), 'https://bitbucket.example.com');
  } else {
    const { emails } = parseEmailsPage(parseJSON(WARM_UP_BODIES.emails));
    parseCloudProfile({ user: parseJSON(WARM_UP_BODIES.cloudUser), raw: WARM_UP_BODIES.cloudUser, emails });
  }
  // What the calls themselves use: the form of a token request.
  new URLSearchParams({ grant_type: 'authorization_code' }).toString();
}
