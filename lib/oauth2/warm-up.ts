import type { Deployment } from '../bitbucket';
import { WARM_UP_ORIGIN, warmUpCallback } from '../api/warm-up';
import { WARM_UP_BODIES } from '../parse/warm-up';
import { requestToken } from './token-client';

/** An OAuth 2.0 callback's calls, run once per process and deployment without any I/O (see `api/warm-up.ts`). */
export function warmUpOAuth2Callback(deployment: Deployment): void {
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
