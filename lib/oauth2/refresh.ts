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
  // they come through (one per tenant, or built anew per request), as long as they go to the same client.
  const key = `${client.tokenURL}\n${client.clientID}\n${refreshToken}`;
  const inFlight = refreshing.get(key);
  if (inFlight) return inFlight;
  const call = sendRefresh(client, refreshToken).finally(() => refreshing.delete(key));
  refreshing.set(key, call);
  return call;
}

/** The refreshes in flight in this process, by token URL, client ID and refresh token. */
const refreshing = new Map<string, Promise<RefreshedTokens>>();

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
