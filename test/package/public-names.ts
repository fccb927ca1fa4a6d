/** The names the package exports at run time, as documented: one list for every package test. */
export const MAIN_EXPORTS = [
  'AuthorizationError',
  'BitbucketAPIError',
  'BitbucketOAuth2Strategy',
  'BitbucketStrategy',
  'CLOUD_API_URL',
  'CLOUD_SITE_URL',
  'InternalOAuthError',
  'OAuth2Strategy',
  'Strategy',
  'TokenError',
  'oauth1Endpoints',
  'oauth2Endpoints',
  'orderEmails',
  'parseCloudProfile',
  'parseDataCenterProfile',
  'parseEmailsPage',
  'parseTokenResponse',
  'parseWorkspacesPage',
  'splitName',
];

/** What `passport-bitbucket-oauth/testing` exports at run time. */
export const TESTING_EXPORTS = ['DEFAULT_CLIENT', 'DEFAULT_USERS', 'createMockBitbucket'];
