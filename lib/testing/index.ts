/**
 * A mock Bitbucket (Cloud and Data Center) on a real HTTP server, for tests and demos.
 * @example
 * import { createMockBitbucket } from 'passport-bitbucket-oauth/testing';
 * const mock = await createMockBitbucket();
 * @packageDocumentation
 */
export { createMockBitbucket } from './mock-bitbucket';
export { DEFAULT_CLIENT, DEFAULT_USERS } from './users/users';
export type {
  MockBitbucket,
  MockBitbucketOptions,
  MockClient,
  MockDataCenterEndpoints,
  MockDataCenterUser,
  MockEmail,
  MockEndpoint,
  MockFault,
  MockFaultOptions,
  MockOAuth1Endpoints,
  MockOAuth2Endpoints,
  MockRequestRecord,
  MockUser,
  MockWorkspace,
  OAuth1DenyStyle,
} from './types';
