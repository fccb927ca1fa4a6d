import * as dc from 'node:diagnostics_channel';
import type { Deployment } from '../bitbucket';

/** Who makes a call: the strategy's name and its deployment, as the strategies fill it in. */
export interface TraceTarget {
  strategy: string;
  deployment: Deployment;
  /** The start-up rehearsal (`api/warm-up.ts`): never published nor logged, whoever subscribed since. */
  rehearsal?: true;
}

/**
 * The context of `tracingChannel('passport-bitbucket-oauth:token')`: one per token request, the same object
 * in every event of that request. Never carries a token, code, verifier, secret or signature.
 */
export interface TokenTraceContext {
  /** The strategy's name, e.g. `bitbucket-oauth2`. */
  strategy: string;
  deployment: Deployment;
  /**
   * `authorization_code` or `refresh_token` (OAuth 2.0), or OAuth 1.0a's `request_token` and `access_token`.
   */
  grant: string;
  /** The token endpoint without its query string, e.g. `https://bitbucket.org/site/oauth2/access_token`. */
  endpoint: string;
  /** The HTTP status, once an answer arrived. */
  status?: number;
  /** Set before `asyncEnd` on success: what was granted (the tokens themselves are left out). */
  result?: TokenTraceResult;
  /** Set before `error` on failure: a `TransportError`, `TokenEndpointFailure` or `BitbucketAPIError`. */
  error?: unknown;
}

/** What a token request obtained, without the tokens. */
export interface TokenTraceResult {
  status: number;
  /** Granted scopes (OAuth 2.0); empty for OAuth 1.0a. */
  scopes: string[];
  /** Seconds until the access token expires, when said. */
  expiresIn: number | null;
  /** Whether a refresh token came with it (OAuth 2.0). */
  refreshToken: boolean;
}

/** The context of `tracingChannel('passport-bitbucket-oauth:api')`: one per REST call. */
export interface APITraceContext {
  /** The strategy's name, e.g. `bitbucket`. */
  strategy: string;
  deployment: Deployment;
  /** The URL without its query string, e.g. `https://api.bitbucket.org/2.0/user/emails`. */
  endpoint: string;
  /** Page of a paginated list (1 for the first, and for calls that are not paginated). */
  page: number;
  /** The HTTP status, once an answer arrived. */
  status?: number;
  /** Set before `asyncEnd` when an answer arrived, whatever its status. */
  result?: { status: number };
  /** Set before `error` when no answer arrived (a `BitbucketAPIError` with code `timeout`, `network`, …). */
  error?: unknown;
}

/** The message of `channel('passport-bitbucket-oauth:login')`: one per finished callback. */
export interface LoginOutcomeMessage {
  strategy: string;
  deployment: Deployment;
  outcome: 'success' | 'fail' | 'error';
  /** `fail`: the message the user is shown; `error`: the error's code (`timeout`, `invalid_grant`, …); else `null`. */
  reason: string | null;
  /** `error`: the error's class name (`TokenError`, `InternalOAuthError`, `BitbucketAPIError`, …); else `null`. */
  errorName: string | null;
  /** `fail`: the status the strategy failed with; `error`: Bitbucket's HTTP status when known; else `null`. */
  status: number | null;
  /** From the callback's arrival to its outcome. */
  durationMs: number;
  /**
   * The Bitbucket user's `id`, once the profile was read and let through: `null` for a user the `workspaces` gate
   * refused (the user and their workspaces are read together, and the refusal ends the read).
   */
  profileId: string | null;
}

/** The channel names, as documented in the README. */
export const CHANNEL_NAMES = {
  token: 'passport-bitbucket-oauth:token',
  api: 'passport-bitbucket-oauth:api',
  login: 'passport-bitbucket-oauth:login',
} as const;

/** One of the five channels of a tracing channel: only what is read here. */
interface Subscribed {
  readonly hasSubscribers: boolean;
}

/**
 * The part of Node's `TracingChannel` used here.
 * NOTE: declared here rather than naming `dc.TracingChannel<…>`: `@types/node` 26 swapped that type's parameters
 * (the context first, and it must be an object), so a public declaration naming it failed to compile for users on
 * one major or the other with `skipLibCheck: false`. This shape is the same in every major.
 */
export interface TraceChannel<C extends object> {
  readonly start: Subscribed;
  readonly end: Subscribed;
  readonly asyncStart: Subscribed;
  readonly asyncEnd: Subscribed;
  readonly error: Subscribed;
  tracePromise<T>(work: () => Promise<T>, context: C): Promise<T>;
}

/** The part of Node's `Channel` used here (declared here for the same reason). */
export interface PublishChannel<M> {
  readonly hasSubscribers: boolean;
  publish(message: M): void;
}

/** A tracing channel, or `null` on a Node.js without them (before 18.19). */
type Tracing<C extends object> = TraceChannel<C> | null;

/* istanbul ignore next: every Node.js the tests run on has tracingChannel */
function tracing<C extends object>(name: string): Tracing<C> {
  // NOTE: every Node.js `engines` allows has tracingChannel; a runtime that lacks it (one that only emulates Node's
  // API) runs the calls untraced rather than failing at load.
  // No type arguments: their order differs between @types/node majors.
  return typeof dc.tracingChannel === 'function' ? dc.tracingChannel(name) : null;
}

/** Created once at module load, as Node.js recommends: subscribers find them by name. */
export const tokenChannel: Tracing<TokenTraceContext> = tracing(CHANNEL_NAMES.token);
/** Created once at module load. */
export const apiChannel: Tracing<APITraceContext> = tracing(CHANNEL_NAMES.api);
/** Created once at module load. */
export const loginChannel = dc.channel(CHANNEL_NAMES.login) as unknown as PublishChannel<LoginOutcomeMessage>;

/** The five channels of a tracing channel. */
const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/**
 * The channel when anyone listens to it, else `null`. NOTE: `TracingChannel#hasSubscribers` only exists
 * since Node.js 20.13, so the five channels are asked one by one.
 */
export function listened<C extends object>(channel: Tracing<C>): TraceChannel<C> | null {
  return channel !== null && EVENTS.some((event) => channel[event].hasSubscribers) ? channel : null;
}
