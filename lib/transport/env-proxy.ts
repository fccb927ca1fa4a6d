import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { IDLE_SOCKET_MS } from './parking';

/** The proxy settings the environment gives, and undici's agent that follows them. */
let current: { settings: string; dispatcher: Dispatcher } | undefined;

/**
 * Whether calls without an agent of their own go through the environment's proxy: the process opted in with
 * `NODE_USE_ENV_PROXY=1`. Read when a strategy is built, as Node reads it when the process starts, not at every call.
 * NOTE: opt-in, as Node itself does it (Node ≥ 22.21 and 24.5 read these variables for `fetch` and `http` only
 * with `NODE_USE_ENV_PROXY=1`; undici, got and node-fetch never do by default): a variable set for some other
 * tool (a shell's `http_proxy`, a CI's) must not silently route the client secret through a proxy.
 */
export function proxyFromEnv(): boolean {
  return process.env.NODE_USE_ENV_PROXY === '1';
}

/**
 * undici's agent for the environment's proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower-case names
 * first), for a strategy built with {@link proxyFromEnv}. The variables are read per call, so that a change of them
 * applies to the next call.
 */
export function envProxyDispatcher(): Dispatcher {
  const env = process.env;
  const settings = [
    env.https_proxy ?? env.HTTPS_PROXY,
    env.http_proxy ?? env.HTTP_PROXY,
    env.no_proxy ?? env.NO_PROXY,
  ].join('\n');
  if (current?.settings !== settings) {
    // Calls under way on the previous settings finish on them.
    void current?.dispatcher.close().catch(() => undefined);
    // NOTE: undici is loaded here, on opt-in only: it costs tens of milliseconds at require time and more on its
    // first request, which every process would pay for nothing (guides/performance.md).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EnvHttpProxyAgent } = require('undici') as typeof Undici;
    current = {
      settings,
      dispatcher: new EnvHttpProxyAgent({ keepAliveTimeout: IDLE_SOCKET_MS, keepAliveMaxTimeout: IDLE_SOCKET_MS }),
    };
  }
  return current.dispatcher;
}
