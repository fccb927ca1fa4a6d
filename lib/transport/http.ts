import { parseURL, TransportError, type Call, type HttpRequest, type HttpResponse } from './call';
import { envProxyDispatcher } from './env-proxy';
export { proxyFromEnv } from './env-proxy';
import { requestViaAgent } from './node-http';
import { requestViaUndici } from './undici-http';

export {
  Cancellation,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  describeEndpoint,
  parseURL,
  TransportError,
  type HttpLimits,
  type HttpRequest,
  type HttpResponse,
  type TransportErrorCode,
} from './call';

/**
 * Sends one request with a hard deadline and a body cap.
 *
 * NOTE: the `oauth` library that passport-oauth1/-oauth2 use has no timeout at all, so a Bitbucket
 * that accepts the connection and never answers would hang the login forever. Every call to
 * Bitbucket, token exchange included, goes through here instead: Node's `http.request` on a keep-alive
 * agent (the caller's own, or this process's for the origin), or undici through the environment's proxy when
 * the process asked for it (`NODE_USE_ENV_PROXY=1`) when the strategy was built.
 */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const { url, endpoint, options } = parseURL(request.url);
    const target = `${request.method} ${endpoint}`;
    // The caller's object, made for this call: the User-Agent is added to it rather than copied into another.
    const headers: Record<string, string> = request.headers ?? {};
    headers['User-Agent'] = 'passport-bitbucket-oauth';
    const { cancellation } = request;
    let settled = false;
    let failed: TransportError | undefined;
    let abort: ((err: Error) => void) | undefined;
    let stopListening: (() => void) | undefined;
    const finish = (err: TransportError | null, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stopListening?.();
      if (err) {
        failed = err;
        abort?.(err);
        reject(err);
      } else {
        resolve(response as HttpResponse);
      }
    };
    const deadline = setTimeout(
      () => finish(new TransportError('timeout', `${target} did not answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const call: Call = { url, options, target, headers, finish };
    try {
      abort =
        request.proxyFromEnv && !request.agent
          ? requestViaUndici(envProxyDispatcher(), request, call)
          : requestViaAgent(request, call);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      finish(new TransportError('network', `${target} failed: ${reason}`, { cause }));
    }
    // A call that failed while it was being sent is aborted now that it can be.
    if (failed) abort?.(failed);
    if (cancellation?.cancelled) finish(cancelled(target));
    else if (cancellation) stopListening = cancellation.onCancel(() => finish(cancelled(target)));
  });
}

function cancelled(target: string): TransportError {
  return new TransportError('cancelled', `${target} was cancelled`);
}
