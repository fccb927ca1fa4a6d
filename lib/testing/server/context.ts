import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockStore } from '../users/store';
import type { TimerRegistry } from './timers';
import type { MockSettings } from './settings';
import type { MockClient, MockEndpoint, MockUser } from '../types';

export type { MockSettings } from './settings';

/** Why a resource request is not authenticated. */
export type AuthFailure = 'missing' | 'invalid' | 'expired' | 'query' | 'basic' | 'signature';

/** The outcome of authenticating a resource request. */
export type ResourceAuth =
  { ok: true; user: MockUser; scopes: string[]; credential: 'oauth2' | 'oauth1' } | { ok: false; reason: AuthFailure };

/** What route handlers share: one per mock instance. */
export interface MockContext {
  /** The server's URL, `http://host:port`. */
  readonly url: string;
  readonly settings: MockSettings;
  /** Data Center's base URL: the server's URL and the context path. */
  readonly dcBase: string;
  /** Other origins clients reach the mock through (proxies), for OAuth 1.0a signatures; see `addOrigin`. */
  readonly origins: string[];
  /** Requests for Data Center paths outside the context path. */
  readonly counters: { dcPathMisses: number };
  readonly clients: MockClient[];
  readonly users: MockUser[];
  readonly store: MockStore;
  readonly timers: TimerRegistry;
}

/** One request being answered. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request URL resolved against the server's URL. */
  readonly url: URL;
  /** The raw body (UTF-8). */
  readonly body: string;
  /** The path parameter of the matched route ('' when it has none), still percent-encoded. */
  readonly param: string;
  /** Set when a `deny` fault applies to this request. */
  readonly denied: boolean;
  readonly endpoint?: MockEndpoint;
  /** Data Center authentication of this request (Bearer or OAuth 1.0a), computed once. */
  readonly dcAuth: () => ResourceAuth;
}

/** A route handler. */
export type Handler = (ctx: MockContext, rc: RequestContext) => void;

/** One route: a path pattern (at most one capture group), its methods and its fault endpoint. */
export interface Route {
  pattern: RegExp;
  /** `null`: any method. */
  methods: readonly string[] | null;
  endpoint?: MockEndpoint;
  handler: Handler;
}

/** Looks up a consumer by its key / client id. */
export function findClient(ctx: MockContext, clientId: string | null | undefined): MockClient | undefined {
  return clientId ? ctx.clients.find((c) => c.clientId === clientId) : undefined;
}

/** The Cloud scopes a consumer was granted. */
export function clientScopes(client: MockClient): string[] {
  return client.scopes ?? ['account', 'email'];
}
