import type { Deployment } from '../bitbucket';
import { parseJSON } from './narrow';
import { parseEmailsPage } from './emails';
import { parseCloudProfile, parseDataCenterProfile } from './profile';
import { parseTokenResponse } from './token-response';

/** Bodies shaped like Bitbucket's (made up, no real account): enough to run every branch of a successful parse. */
const TOKEN =
  '{"access_token":"w","refresh_token":"w","token_type":"bearer","scopes":"account email","expires_in":7200}';
const CLOUD_USER =
  '{"uuid":"{00000000-0000-4000-8000-000000000000}","account_id":"0","nickname":"w","display_name":"W W",' +
  '"links":{"html":{"href":"https://bitbucket.org/w/"},"avatar":{"href":"https://bitbucket.org/w.png"}}}';
const EMAILS = '{"values":[{"email":"w@example.com","is_primary":true,"is_confirmed":true}],"next":null}';
const DATACENTER_USER =
  '{"id":1,"name":"w","slug":"w","displayName":"W W","emailAddress":"w@example.com","avatarUrl":"/users/w/avatar.png",' +
  '"links":{"self":[{"href":"https://bitbucket.example.com/users/w"}]}}';

const warmed = new Set<Deployment>();

/**
 * Runs the callback's pure code once per process and deployment, on made-up bodies, when the first strategy is
 * built: V8 compiles a function on its first call, so otherwise the first sign-in of every process pays for
 * compiling the parsers, and for Node's `AbortController` and `URLSearchParams`, in its callback.
 * No I/O, no logging, no event: the results are thrown away.
 */
export function warmUpCallbackCode(deployment: Deployment): void {
  if (warmed.has(deployment)) return;
  warmed.add(deployment);
  parseTokenResponse(parseJSON(TOKEN));
  if (deployment === 'datacenter') {
    parseDataCenterProfile(parseJSON(DATACENTER_USER), 'https://bitbucket.example.com');
  } else {
    const { emails } = parseEmailsPage(parseJSON(EMAILS));
    parseCloudProfile({ user: parseJSON(CLOUD_USER), raw: CLOUD_USER, emails });
  }
  // What the calls themselves use: the form of a token request, and the signal that cancels parallel reads.
  new URLSearchParams({ grant_type: 'authorization_code' }).toString();
  const cancel = new AbortController();
  const onAbort = (): void => undefined;
  cancel.signal.addEventListener('abort', onAbort);
  cancel.abort();
  cancel.signal.removeEventListener('abort', onAbort);
}
