/**
 * Without Bitbucket credentials the example signs in against the mock Bitbucket that ships with the
 * package (`passport-bitbucket-oauth/testing`), so `make example` works before you register a consumer.
 */
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import type { OAuth1Consumer, OAuth2Client } from './config';

/** A running mock and the consumers that point at it. */
export interface MockProviders {
  mock: MockBitbucket;
  oauth2: OAuth2Client;
  oauth1: OAuth1Consumer;
}

/**
 * Starts the mock on 127.0.0.1 (random port). `autoApprove: false` by default so a person trying the
 * example sees the consent page and can click "Grant access" or "Deny", as on bitbucket.org.
 *
 * @param publicURL `CALLBACK_URL`, when set: the mock only sends users back to callbacks under it, like
 *   a real consumer. Without it, the default consumer accepts any `http://127.0.0.1:<port>` callback.
 */
export async function startMock(publicURL?: string, autoApprove = false): Promise<MockProviders> {
  const client = { ...DEFAULT_CLIENT, callbackURL: publicURL ? `${publicURL}/` : DEFAULT_CLIENT.callbackURL };
  const mock = await createMockBitbucket({ autoApprove, clients: [client] });
  // NOTE: on Bitbucket Cloud one consumer's key and secret serve both as the OAuth 2.0 client id/secret
  // and as the OAuth 1.0a consumer key/secret; the mock does the same.
  return {
    mock,
    oauth2: { clientID: client.clientId, clientSecret: client.clientSecret, ...mock.oauth2Endpoints() },
    oauth1: { consumerKey: client.clientId, consumerSecret: client.clientSecret, ...mock.oauth1Endpoints() },
  };
}
