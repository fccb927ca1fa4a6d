import { authorizationHeader, type ParamPair, type SignatureMethod } from '../../lib/oauth1/signature';
import { createMockBitbucket, type MockBitbucket, type MockBitbucketOptions } from 'passport-bitbucket-oauth/testing';

/** Consumer credentials and what to sign. */
export interface SignOptions {
  key?: string;
  secret?: string;
  method?: SignatureMethod;
  privateKey?: string;
  token?: string;
  tokenSecret?: string;
  oauthParams?: Record<string, string>;
  bodyParams?: readonly ParamPair[];
  timestamp?: string;
  nonce?: string;
}

/** An `Authorization: OAuth …` header for the default consumer (HMAC-SHA1) unless told otherwise. */
export function oauthHeader(httpMethod: string, url: string, o: SignOptions = {}): string {
  return authorizationHeader({
    method: httpMethod,
    url,
    credentials: {
      consumerKey: o.key ?? 'mock-client-id',
      consumerSecret: o.secret ?? 'mock-client-secret',
      signatureMethod: o.method ?? 'HMAC-SHA1',
      ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    },
    ...(o.token !== undefined ? { token: o.token } : {}),
    ...(o.tokenSecret !== undefined ? { tokenSecret: o.tokenSecret } : {}),
    ...(o.oauthParams ? { oauthParams: o.oauthParams } : {}),
    ...(o.bodyParams ? { bodyParams: o.bodyParams } : {}),
    ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
    ...(o.nonce !== undefined ? { nonce: o.nonce } : {}),
  });
}

/** A GET that does not follow redirects. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers });
}

/** A form POST that does not follow redirects. */
export function postForm(
  url: string,
  form: Record<string, string> | URLSearchParams,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** `Authorization: Basic …` for a client id and secret. */
export function basic(id = 'mock-client-id', secret = 'mock-client-secret'): string {
  return 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
}

/** The query parameters of a redirect's Location. */
export function locationParams(res: Response): URLSearchParams {
  return new URL(res.headers.get('location') ?? 'http://invalid/').searchParams;
}

/** Starts a mock per test and closes it afterwards. */
export function useMock(options?: MockBitbucketOptions): () => MockBitbucket {
  let mock: MockBitbucket | undefined;
  beforeEach(async () => {
    mock = await createMockBitbucket(options);
  });
  afterEach(async () => {
    await mock?.close();
  });
  return () => {
    if (!mock) throw new Error('mock not started');
    return mock;
  };
}

/** Runs the OAuth 2.0 authorize step with autoApprove semantics and returns the code. */
export async function authorizeCode(mock: MockBitbucket, params: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({ client_id: 'mock-client-id', response_type: 'code', ...params });
  const page = await get(`${mock.url}/site/oauth2/authorize?${query}`);
  const form = new URLSearchParams(query);
  form.delete('mock_user');
  if (page.status === 302) return locationParams(page).get('code') ?? '';
  const res = await postForm(
    `${mock.url}/site/oauth2/authorize`,
    new URLSearchParams([...form, ['mock_user', params.mock_user ?? mock.users[0]!.uuid], ['decision', 'grant']]),
  );
  return locationParams(res).get('code') ?? '';
}

/** Exchanges a code at the Cloud token endpoint. */
export function exchange(
  mock: MockBitbucket,
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: basic() },
): Promise<Response> {
  return postForm(`${mock.url}/site/oauth2/access_token`, { grant_type: 'authorization_code', ...form }, headers);
}
