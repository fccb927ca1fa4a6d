/**
 * passport-bitbucket-oauth: Passport strategies for Bitbucket Cloud and Data Center.
 *
 * Where each behaviour lives (one folder a concern; imports only go down this list, ARCHITECTURE.md draws the map):
 * - `oauth2/`, `oauth1/`: the two strategies (`strategy.ts`) and what only they use: token requests, the OAuth 1.0a
 *   signature, the state and request-token stores, their option types.
 * - `sign-in/`: what both strategies do between `/login` and the verify call: pending sign-ins (`pending-logins.ts`)
 *   in any session (`session-access.ts`) and across the login (`carry.ts`), callback parameters (`callback.ts`), how
 *   a callback ends (`outcome.ts`), the `workspaces` gate.
 * - `options/`: is an option allowed and what does it become: validation (`validate.ts`, `checks.ts`), defaults and
 *   limits (`common.ts`), the URLs of each deployment (`endpoints.ts`).
 * - `api/`: the calls to Bitbucket's REST API: the profile loader, Cloud and Data Center readers, emails,
 *   workspaces, pagination, all through one authorized GET (`authorized-get.ts`).
 * - `parse/`: pure readers of Bitbucket's JSON (profile, emails, workspaces, token responses) and `narrow.ts`.
 * - `transport/`: every HTTP call with its deadline and size cap (`http.ts`), keep-alive and pre-connection
 *   (`connections.ts`). `observe/`: DEBUG logs and diagnostics_channel events.
 * - `errors.ts` (every error class), `bitbucket.ts` (the deployments and Cloud's origins).
 * - The mock Bitbucket, apart: `testing/` (`passport-bitbucket-oauth/testing`).
 * @packageDocumentation
 */
export { BitbucketStrategy, BitbucketStrategy as Strategy } from './oauth1/strategy';
export { BitbucketOAuth2Strategy, BitbucketOAuth2Strategy as OAuth2Strategy } from './oauth2/strategy';
export { AuthorizationError, BitbucketAPIError, InternalOAuthError, TokenError, WorkspaceAccessDenied } from './errors';
export { parseCloudProfile, parseDataCenterProfile, parseEmailsPage, orderEmails, splitName } from './parse/profile';
export { parseTokenResponse } from './parse/token-response';
export { parseWorkspacesPage } from './parse/workspaces';
export { oauth1Endpoints, oauth2Endpoints } from './options/endpoints';
export { CLOUD_API_URL, CLOUD_SITE_URL } from './bitbucket';

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
} from './parse/profile-types';
export type { CloudProfileInput, EmailsPage } from './parse/profile';
export type { BitbucketTokenParams, TokenResponse } from './parse/token-response';
export type { WorkspacesPage } from './parse/workspaces';
export type { OAuth1Endpoints, OAuth2Endpoints } from './options/endpoints';
export type { Deployment } from './bitbucket';
export type { BitbucketCommonOptions } from './options/common';
export type {
  BitbucketOAuth2BaseOptions,
  ClientAuthentication,
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
