import { createHash } from 'node:crypto';
import { requestToken, toOAuthError, type TokenClient } from './token-client';
import type { TokenResponse } from '../parse/token-response';
import type { RefreshedTokens } from './types';

/**
 * Trades a refresh token for a new access token. Rejects with a `TypeError` (no refresh token), a
 * `TokenError` (Bitbucket refused it: Cloud answers `invalid_request` "Invalid refresh_token" for an expired, revoked
 * or already rotated one; sign the user in again whatever the code)
 * or an `InternalOAuthError` (no usable answer: network, timeout, 5xx).
 */
export function refreshTokens(client: TokenClient, refreshToken: string): Promise<RefreshedTokens> {
  if (typeof refreshToken !== 'string' || refreshToken === '')
    return Promise.reject(new TypeError('refresh() requires a refresh token'));
  // NOTE: of two requests with the same refresh token, Bitbucket answers the second as if the token were revoked
  // (it was rotated by the first). Calls made while one is in flight share its answer, whichever strategy object
  // they come through (one per tenant, or built anew per request), when Bitbucket would see the same request: the
  // same token endpoint, client ID, secret and way of sending it. A strategy with another (a wrong) secret never
  // receives tokens its own request would not have obtained.
  const key = JSON.stringify([
    client.tokenURL,
    client.clientID,
    createHash('sha256').update(client.clientSecret).digest('base64'),
    client.clientAuthentication,
    refreshToken,
  ]);
  let call = refreshing.get(key);
  if (!call) {
    const started = sendRefresh(client, refreshToken).finally(() => refreshing.delete(key));
    refreshing.set(key, started);
    call = started;
  }
  // Each caller gets its own copy: one that changes its result must not change another's.
  return call.then(copyOf);
}

/** The refreshes in flight in this process, by what the request would send. */
const refreshing = new Map<string, Promise<RefreshedTokens>>();

function copyOf(tokens: RefreshedTokens): RefreshedTokens {
  return { ...tokens, scopes: [...tokens.scopes], params: { ...tokens.params } };
}

async function sendRefresh(client: TokenClient, refreshToken: string): Promise<RefreshedTokens> {
  let token: TokenResponse;
  try {
    token = await requestToken(client, { grant_type: 'refresh_token', refresh_token: refreshToken });
  } catch (err) {
    throw toOAuthError('Failed to obtain access token', err);
  }
  return {
    accessToken: token.accessToken,
    // Without a new one in the answer, the old one was not rotated and stays valid.
    refreshToken: token.refreshToken ?? refreshToken,
    expiresIn: token.expiresIn,
    scopes: token.scopes,
    params: token.params,
  };
}
