import type { Deployment } from '../bitbucket';
import { WARM_UP_ORIGIN, warmUpCallback } from '../api/warm-up';
import { WARM_UP_BODIES } from '../parse/warm-up';
import { warmUpSignInCode } from '../sign-in/warm-up';
import { PendingLoginStateStore } from './state-store';
import { requestToken } from './token-client';

/**
 * An OAuth 2.0 callback's calls, run once per process and deployment without any I/O (see `api/warm-up.ts`), and
 * once per process what it does with the pending sign-ins: a state kept, then consumed (see `sign-in/warm-up.ts`).
 */
export function warmUpOAuth2Callback(deployment: Deployment): void {
  warmUpSignInCode('oauth2', (pending, req) => {
    const states = new PendingLoginStateStore(pending);
    states.store(req, 'verifier', undefined, {}, (_err, state) => states.verify(req, state, {}, () => undefined));
  });
  warmUpCallback(
    'oauth2',
    deployment,
    WARM_UP_BODIES.token,
    (limits, trace) =>
      requestToken(
        {
          ...limits,
          tokenURL: `${WARM_UP_ORIGIN}/token`,
          clientID: 'w',
          clientSecret: 'w',
          clientAuthentication: deployment === 'datacenter' ? 'body' : 'basic',
          trace,
        },
        { grant_type: 'authorization_code', code: 'w', redirect_uri: `${WARM_UP_ORIGIN}/callback` },
      ),
    () => 'Bearer w',
  );
}
