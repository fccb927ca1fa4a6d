import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { IDLE_SOCKET_MS } from './parking';

/** The proxy settings the environment gives, and undici's agent that follows them. */
let current: { settings: string; dispatcher: Dispatcher } | undefined;

/**
 * The environment's proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower-case names first) when the process
 * opted in with `NODE_USE_ENV_PROXY=1`; `undefined` otherwise.
 * NOTE: opt-in, as Node itself does it (Node ≥ 22.21 and 24.5 read these variables for `fetch` and `http` only
 * with `NODE_USE_ENV_PROXY=1`; undici, got and node-fetch never do by default): a variable set for some other
 * tool (a shell's `http_proxy`, a CI's) must not silently route the client secret through a proxy.
 * Read per call, so that a change of the variables applies to the next call.
 */
export function envProxyDispatcher(): Dispatcher | undefined {
  const env = process.env;
  if (env.NODE_USE_ENV_PROXY !== '1') return undefined;
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
