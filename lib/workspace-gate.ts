/** What a user outside every allowed workspace reads: it names no workspace, so nothing about the setup leaks. */
export const WORKSPACE_DENIED_MESSAGE = 'Your Bitbucket account has no access to a workspace allowed to sign in here.';

/**
 * Internal: the user can access none of the allowed workspaces. Thrown by the profile read; the strategies
 * turn it into `fail()` (status 403), so `failureRedirect` applies and the verify callback is never called.
 * Outside a sign-in (a direct `userProfile()` call) it reaches the callback as an error with `status` 403.
 */
export class WorkspaceAccessDenied extends Error {
  override readonly name = 'WorkspaceAccessDenied';
  /** HTTP status the sign-in fails with. */
  readonly status = 403;
  constructor() {
    super(WORKSPACE_DENIED_MESSAGE);
  }
}

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
