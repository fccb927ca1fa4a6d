import type { Agent } from 'node:http';
import type { Deployment } from '../bitbucket';
import type { TraceTarget } from '../observe/channels';
import { callsObserved } from '../observe/trace-calls';
import type { ResolvedLimits } from '../options/common';
import { WARM_UP_BODIES } from '../parse/warm-up';
import { httpClientObserved, memoryAgent, type MemoryAnswer } from '../transport/memory-agent';
import type { Authorizer } from './authorized-get';
import { createProfileLoader } from './profile-loader';

/** Where the warm-up's calls go: a name that resolves nowhere (RFC 6761), served by the memory agent only. */
export const WARM_UP_ORIGIN = 'http://warm-up.invalid';

/** The limits of the warm-up's calls: short, small, through the memory agent. */
export interface WarmUpLimits extends ResolvedLimits {
  agent: Agent;
}

/** How a strategy makes its callback's token request, to `${WARM_UP_ORIGIN}/token`. */
export type WarmUpTokenCall = (limits: WarmUpLimits, trace: TraceTarget) => Promise<unknown>;

const warmed = new Set<string>();

/**
 * Runs a whole callback's calls once per process, protocol and deployment, when the first strategy is built: the
 * token request (`tokenCall`, answered with `tokenBody`), then the profile reads, through Node's HTTP client and
 * this package's transport, token client and readers, on an agent whose connections never leave the process
 * (`transport/memory-agent.ts`), with made-up answers.
 * NOTE: V8 compiles a function on its first call, Node's HTTP client included: without this, the first sign-in of
 * every process paid about 7 ms more in its callback (`make bench`, "first callback, no delays").
 * Nothing is sent, logged or published: it is skipped when anyone could see it (`DEBUG` for this package, a
 * subscriber to its channels or to Node's HTTP client channels, an `http.request` wrapped by an APM). Every step is
 * a microtask or a `nextTick`, so it is over before the event loop runs anything else; its outcome is ignored.
 */
export function warmUpCallback(
  protocol: 'oauth2' | 'oauth1',
  deployment: Deployment,
  tokenBody: string,
  tokenCall: WarmUpTokenCall,
  authorize: Authorizer,
): void {
  const key = `${protocol}:${deployment}`;
  if (warmed.has(key)) return;
  warmed.add(key);
  if (httpClientObserved() || callsObserved(protocol)) return;
  const answer: MemoryAnswer = (path) => {
    if (path.startsWith('/token')) return { body: tokenBody };
    if (path.startsWith('/whoami')) return { body: 'w', headers: { 'X-AUSERNAME': 'w' } };
    if (path.startsWith('/users/')) return { body: WARM_UP_BODIES.dataCenterUser };
    if (path.startsWith('/emails')) return { body: WARM_UP_BODIES.emails };
    return { body: WARM_UP_BODIES.cloudUser };
  };
  const agent = memoryAgent(answer);
  const limits = { timeoutMs: 1000, maxBytes: 65_536, maxEmailPages: 1, agent, preconnect: false, proxyFromEnv: false };
  // NOTE: checked again at every call: a subscriber or `DEBUG` switched on right after the strategy was built
  // (in the same synchronous block) would otherwise see the rehearsal's steps, which run after it.
  const trace = { strategy: 'warm-up', deployment, rehearsal: true } as const;
  const datacenter = deployment === 'datacenter';
  const loadProfile = createProfileLoader(
    {
      deployment,
      baseURL: WARM_UP_ORIGIN,
      userProfileURL: `${WARM_UP_ORIGIN}${datacenter ? '/whoami' : '/user'}`,
      userEmailsURL: `${WARM_UP_ORIGIN}${datacenter ? '/users/' : '/emails'}`,
      emails: true,
      workspaces: null,
      trace,
    },
    limits,
  );
  tokenCall(limits, trace)
    .then(() => loadProfile(authorize))
    .catch(() => undefined)
    .finally(() => agent.destroy());
}
