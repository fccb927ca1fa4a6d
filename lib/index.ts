export { BitbucketStrategy, BitbucketStrategy as Strategy } from './oauth1/strategy';
export { BitbucketOAuth2Strategy, BitbucketOAuth2Strategy as OAuth2Strategy } from './oauth2/strategy';
export { AuthorizationError, BitbucketAPIError, InternalOAuthError, TokenError } from './errors';
export { parseCloudProfile, parseDataCenterProfile, parseEmailsPage, orderEmails, splitName } from './profile';
export { parseTokenResponse } from './token-response';
export { parseWorkspacesPage } from './workspaces-parse';
export { oauth1Endpoints, oauth2Endpoints, CLOUD_API_URL, CLOUD_SITE_URL } from './endpoints';

export type { BitbucketAPIErrorCode, BitbucketAPIErrorDetails } from './errors';
export type {
  BitbucketEmail,
  BitbucketEmailsError,
  BitbucketProfile,
  BitbucketWorkspace,
  CloudEmailsPageJSON,
  CloudUserJSON,
  CloudWorkspacesPageJSON,
  DataCenterUserJSON,
} from './profile-types';
export type { CloudProfileInput, EmailsPage } from './profile';
export type { BitbucketTokenParams, TokenResponse } from './token-response';
export type { WorkspacesPage } from './workspaces-parse';
export type { Deployment, OAuth1Endpoints, OAuth2Endpoints } from './endpoints';
export type { BitbucketCommonOptions } from './options';
export type { ClientAuthentication } from './oauth2/token-client';
export type {
  BitbucketOAuth2BaseOptions,
  BitbucketOAuth2StrategyOptions,
  BitbucketOAuth2StrategyOptionsWithRequest,
  BitbucketOAuth2VerifyFunction,
  BitbucketOAuth2VerifyFunctionWithParams,
  BitbucketOAuth2VerifyFunctionWithRequest,
  BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  RefreshedTokens,
  VerifyCallback,
} from './oauth2/types';
export type {
  BitbucketOAuth1BaseOptions,
  BitbucketStrategyOptions,
  BitbucketStrategyOptionsWithRequest,
  BitbucketVerifyFunction,
  BitbucketVerifyFunctionWithParams,
  BitbucketVerifyFunctionWithRequest,
  BitbucketVerifyFunctionWithRequestAndParams,
} from './oauth1/types';
export type { RequestTokenStore } from './oauth1/base';
export type { SignatureMethod } from './oauth1/signature';
export type {
  APITraceContext,
  LoginOutcomeMessage,
  TokenTraceContext,
  TokenTraceResult,
  TraceTarget,
} from './observe/channels';
