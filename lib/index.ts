/**
 * passport-bitbucket-oauth: Passport strategies for Bitbucket Cloud and Data Center.
 *
 * Where each behaviour lives (data flows down this list):
 * - Strategies: `oauth2/strategy.ts` (options in `oauth2/settings.ts`, tokens in `oauth2/token-client.ts`,
 *   CSRF state in `oauth2/state-store.ts`), `oauth1/strategy.ts` (`oauth1/settings.ts`, `oauth1/token-requests.ts`,
 *   `oauth1/signature.ts`, `oauth1/request-token-store.ts`).
 * - Sign-in state and outcomes: `pending-logins.ts` (several pending sign-ins per browser), `sign-in-outcome.ts`
 *   (how a callback ends), `callback.ts` (callback parameters), `workspace-gate.ts` (the `workspaces` check).
 * - Options: `validate-options.ts` and `option-checks.ts` (every option, at construction), `options.ts` (limits).
 * - REST readers: `profile-loader.ts` → `api/cloud.ts`, `api/datacenter.ts`, `api/emails.ts`, `api/workspaces.ts`,
 *   `api/pages.ts`, all through `api/authorized-get.ts`.
 * - Parser (pure): `profile.ts`, `profile-emails.ts`, `workspaces-parse.ts`, `token-response.ts`, `narrow.ts`.
 * - Bottom: `http.ts` (every call, with its deadline and size cap), `connections.ts` (keep-alive agents,
 *   pre-connection), `endpoints.ts` (URLs), `errors.ts`; `observe/` (DEBUG logs, diagnostics_channel).
 * - The mock Bitbucket, apart: `testing/` (`passport-bitbucket-oauth/testing`).
 * @packageDocumentation
 */
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
