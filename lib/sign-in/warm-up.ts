import { gateProfile } from './carry';
import { endWithProviderError, watchCallback, type Ending } from './outcome';
import { PendingLogins, STORES_IN_USE } from './pending-logins';

/** A request as the rehearsal makes it: a session (a property bag) that `regenerate()` replaces. */
export interface RehearsalRequest {
  session: Record<string, unknown>;
}

/**
 * What a protocol's store does with a sign-in on both legs: the OAuth 2.0 state store keeps a state and consumes
 * it, the OAuth 1.0a request-token store keeps a request token's secret and hands it back.
 */
export type StoreLegs = (pending: PendingLogins, req: RehearsalRequest) => void;

const warmed = new Set<string>();

/**
 * Runs, once per process and protocol, what a successful callback does with the pending sign-ins, on a throwaway
 * request, session and store: the store's two legs (`legs`), the profile's gate, the success that carries a second
 * tab's sign-in across the session's regeneration, and a provider error that ends the carried sign-in.
 * NOTE: V8 compiles a function on its first call. The callback's calls are rehearsed already (`api/warm-up.ts`);
 * without this, the first sign-in of a process still compiled the pending-login store, the carry and the
 * callback's ending, most of what separated its first callback from the peers' (guides/performance.md).
 * Pure code: no I/O, no log, no event, no timer; nothing of it is kept. Its store is known to the other stores
 * (a login carries every store's entries) only while it runs, synchronously.
 */
export function warmUpSignInCode(protocol: 'oauth2' | 'oauth1', legs: StoreLegs): void {
  if (warmed.has(protocol)) return;
  warmed.add(protocol);
  const key = `warm-up.invalid:${protocol}`;
  // Should a strategy use this key (`sessionKey`), its store is known again once the rehearsal is over.
  const previous = STORES_IN_USE.get(key);
  try {
    const pending = new PendingLogins(key);
    const req: RehearsalRequest = { session: {} };
    req.session.regenerate = (done: () => void): void => {
      req.session = {};
      done();
    };
    pending.add(req, { handle: 'other tab' });
    const ending: Ending = { success: () => undefined, fail: () => undefined, error: () => undefined };
    watchCallback(ending, req, () => null, pending);
    legs(pending, req);
    gateProfile(ending, () => undefined)(null, { id: 'w' });
    ending.success({});
    (req.session.regenerate as (done: () => void) => void)(() => undefined);
    endWithProviderError(ending, req, pending, { handle: 'other tab', error: 'access_denied', description: undefined });
  } catch {
    // A rehearsal: whatever happens here, the strategy works as without it.
  } finally {
    if (previous) STORES_IN_USE.set(key, previous);
    else STORES_IN_USE.delete(key);
  }
}
