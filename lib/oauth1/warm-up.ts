import type { Deployment } from '../bitbucket';
import { WARM_UP_ORIGIN, warmUpCallback } from '../api/warm-up';
import { warmUpSignInCode } from '../sign-in/warm-up';
import { SessionRequestTokenStore } from './request-token-store';
import { authorizationHeader, type ConsumerCredentials } from './signature';
import { requestTokenPair } from './token-requests';

/**
 * An OAuth 1.0a callback's calls (the access token, then the signed profile reads), run once per process and
 * deployment without any I/O (see `api/warm-up.ts`). HMAC-SHA1, whatever the strategy's method: the signature code
 * around it is the same. Once per process, what it does with the pending sign-ins: a request token's secret kept,
 * then handed back (see `sign-in/warm-up.ts`).
 */
export function warmUpOAuth1Callback(deployment: Deployment): void {
  warmUpSignInCode('oauth1', (pending, req) => {
    const secrets = new SessionRequestTokenStore(pending);
    secrets.set(req, 'w', 'w', undefined, {}, () => undefined);
    secrets.get(req, 'w', () => secrets.destroy(req, 'w', () => undefined));
  });
  const credentials: ConsumerCredentials = { consumerKey: 'w', consumerSecret: 'w', signatureMethod: 'HMAC-SHA1' };
  const token = { token: 'w', tokenSecret: 'w' };
  warmUpCallback(
    'oauth1',
    deployment,
    'oauth_token=w&oauth_token_secret=w',
    (limits, trace) =>
      requestTokenPair({ ...limits, credentials, trace }, `${WARM_UP_ORIGIN}/token`, { oauth_verifier: 'w' }, token),
    (method, url) => authorizationHeader({ method, url, credentials, ...token }),
  );
}
