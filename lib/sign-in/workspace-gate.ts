import { WorkspaceAccessDenied } from '../errors';

/** The part of a Passport strategy during `authenticate()` that a denial needs. */
interface Failing {
  fail?: (challenge: { message: string }, status: number) => void;
}

/**
 * Wraps a strategy's `userProfile` callback: a {@link WorkspaceAccessDenied} becomes `fail()` with 403 while a
 * sign-in is running (Passport gives the strategy `fail` then), everything else goes to `done` unchanged.
 */
export function failWhenDenied<P>(
  strategy: object,
  done: (err?: unknown, profile?: P) => void,
): (err: unknown, profile?: P) => void {
  return (err, profile) => {
    const { fail } = strategy as Failing;
    if (err instanceof WorkspaceAccessDenied && typeof fail === 'function') {
      return fail.call(strategy, { message: err.message }, err.status);
    }
    done(err, profile);
  };
}
