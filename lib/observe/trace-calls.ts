import { excerpt, TokenEndpointFailure } from '../errors';
import {
  apiChannel,
  tokenChannel,
  listened,
  type APITraceContext,
  type TokenTraceContext,
  type TokenTraceResult,
  type TraceTarget,
} from './channels';
import { apiLog, protocolLog } from './debug-log';
import { describeError, endpointOf, errorFacts, pageOf, since } from './facts';

/** Whether a token request or REST call of `protocol` would be seen: a subscriber to our channels, or `DEBUG`. */
export function callsObserved(protocol: 'oauth2' | 'oauth1'): boolean {
  return (
    listened(tokenChannel) !== null || listened(apiChannel) !== null || protocolLog(protocol).enabled || apiLog.enabled
  );
}

/** Where the HTTP status of a call is noted as soon as the answer arrives. */
export interface StatusNote {
  status?: number;
}

/** One token request, as the token clients describe it. */
export interface TokenCall {
  /** Who asks, as the strategy filled it in. */
  trace: TraceTarget;
  protocol: 'oauth2' | 'oauth1';
  grant: string;
  url: string;
}

/** What a token request obtained, without the tokens (the status is added from the note). */
export type TokenSummary = Omit<TokenTraceResult, 'status'>;

/** Holds the value a traced call produced, so that only its summary reaches the channel. */
interface Kept<T> {
  value?: T;
}

/**
 * Runs a token request inside `tracingChannel('passport-bitbucket-oauth:token')` and logs it.
 * With no subscriber and `DEBUG` off, `run` is called as it is: no context, no clock, no closure.
 * The channel's `result` is `summarize`'s answer, never the tokens.
 */
export function traceToken<T>(
  call: TokenCall,
  run: (note: StatusNote) => Promise<T>,
  summarize: (value: T) => TokenSummary,
): Promise<T> {
  if (call.trace.rehearsal) return run({});
  const log = protocolLog(call.protocol);
  const channel = listened(tokenChannel);
  if (channel === null && !log.enabled) return run({});
  const context: TokenTraceContext = {
    strategy: call.trace.strategy,
    deployment: call.trace.deployment,
    grant: call.grant,
    endpoint: endpointOf(call.url),
  };
  const started = performance.now();
  const kept: Kept<T> = {};
  const work = async (): Promise<TokenTraceResult> => {
    kept.value = await run(context);
    // The status is noted as soon as an answer arrives, and only an answer resolves `run`.
    return { status: Number(context.status), ...summarize(kept.value) };
  };
  return (channel ? channel.tracePromise(work, context) : work()).then(
    (result) => {
      if (log.enabled) {
        const scopes = result.scopes.length > 0 ? `, granted "${result.scopes.join(' ')}"` : '';
        const expiry = result.expiresIn === null ? '' : `, expires in ${result.expiresIn} s`;
        const refresh = call.protocol === 'oauth2' ? `, refresh token: ${result.refreshToken ? 'yes' : 'no'}` : '';
        log(
          '%s',
          `token ${call.grant} ${context.endpoint}: ${result.status} in ${since(started)} ms${scopes}${expiry}${refresh}`,
        );
      }
      return kept.value as T;
    },
    (err: unknown) => {
      if (log.enabled) {
        // NOTE: the body of an error answer is Bitbucket's explanation ("No callback uri defined…"), already
        // stripped of every credential the request carried (TokenEndpointFailure redacts it).
        const body = err instanceof TokenEndpointFailure ? ` ${JSON.stringify(excerpt(err.data, 200))}` : '';
        log(
          '%s',
          `token ${call.grant} ${context.endpoint}: failed in ${since(started)} ms: ${describeError(errorFacts(err))}${body}`,
        );
      }
      throw err;
    },
  );
}

/**
 * Runs one REST call inside `tracingChannel('passport-bitbucket-oauth:api')` and logs it. `run` notes the
 * status when an answer arrives; the channel's `result` is `{ status }`, never the body or headers.
 */
export function traceAPICall<T>(trace: TraceTarget, url: string, run: (note: StatusNote) => Promise<T>): Promise<T> {
  if (trace.rehearsal) return run({});
  const channel = listened(apiChannel);
  if (channel === null && !apiLog.enabled) return run({});
  const context: APITraceContext = {
    strategy: trace.strategy,
    deployment: trace.deployment,
    endpoint: endpointOf(url),
    page: pageOf(url),
  };
  const started = performance.now();
  const kept: Kept<T> = {};
  const work = async (): Promise<{ status: number }> => {
    kept.value = await run(context);
    return { status: Number(context.status) };
  };
  const where = (): string => `GET ${context.endpoint}${context.page > 1 ? ` (page ${context.page})` : ''}`;
  return (channel ? channel.tracePromise(work, context) : work()).then(
    (result) => {
      if (apiLog.enabled) apiLog('%s', `${where()}: ${result.status} in ${since(started)} ms`);
      return kept.value as T;
    },
    (err: unknown) => {
      // NOTE: only a call without an answer rejects here (timeout, reset, …): an error status is an answer.
      if (apiLog.enabled) apiLog('%s', `${where()}: failed in ${since(started)} ms: ${describeError(errorFacts(err))}`);
      throw err;
    },
  );
}
