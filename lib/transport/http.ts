import { TransportError, type Call, type HttpRequest, type HttpResponse } from './call';
import { requestViaAgent } from './node-http';
import { requestViaUndici } from './undici-http';

export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  describeEndpoint,
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
 * Bitbucket, token exchange included, goes through here instead: undici's keep-alive pools by default
 * (about half the CPU of `http.request` per call), Node's `http.request` through a caller's own `agent`.
 */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(request.url);
    // For messages, from the URL parsed once (a second parse per call showed in the CPU profile).
    const target = `${request.method} ${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { 'User-Agent': 'passport-bitbucket-oauth', ...request.headers };
    let settled = false;
    let failed: TransportError | undefined;
    let abort: ((err: Error) => void) | undefined;
    const finish = (err: TransportError | null, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      if (err) {
        failed = err;
        abort?.(err);
        reject(err);
      } else {
        resolve(response as HttpResponse);
      }
    };
    const onAbort = (): void => finish(new TransportError('network', `${target} was cancelled`));
    const deadline = setTimeout(
      () => finish(new TransportError('timeout', `${target} did not answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    request.signal?.addEventListener('abort', onAbort);
    const call: Call = { url, target, headers, finish };
    try {
      const { agent } = request;
      abort = agent ? requestViaAgent({ ...request, agent }, call) : requestViaUndici(request, call);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      finish(new TransportError('network', `${target} failed: ${reason}`, { cause }));
    }
    // A call that failed while it was being sent is aborted now that it can be.
    if (failed) abort?.(failed);
    if (request.signal?.aborted) onAbort();
  });
}
