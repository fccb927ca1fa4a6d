import type { Deployment } from '../bitbucket';
import type { BitbucketProfile } from '../parse/profile-types';
import { excerpt } from '../errors';
import { isObject } from '../parse/narrow';
import { loginChannel, type LoginOutcomeMessage } from './channels';
import { protocolLog, type DebugLog } from './debug-log';
import { describeOutcome, describeProfile, describeRedirect } from './describe-login';
import { describeError, errorFacts, since } from './facts';

/** What {@link observeLogin} needs from a strategy: passport's per-request actions and who it is. */
export interface ObservableStrategy {
  name?: string | undefined;
  readonly deployment: Deployment;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The per-request strategy object passport builds (`Object.create(strategy)` plus its actions). */
interface Delegate {
  name?: string;
  deployment: Deployment;
  success: Method;
  fail: Method;
  error: Method;
  redirect: Method;
  userProfile: Method;
}

/** The strategy's pending sign-ins, counted for the redirect line. */
export interface PendingCount {
  count(req: unknown): number;
}

/** The parameters that make a request the callback leg, as passport-oauth2 and passport-oauth1 decide it. */
const CALLBACK_MARKERS = {
  oauth2: ['code', 'error'],
  oauth1: ['oauth_token', 'denied', 'error', 'oauth_problem'],
} as const;

/** The node-oauth client whose access-token call passport makes once the state (or request token) matched. */
const TOKEN_CLIENT = { oauth2: '_oauth2', oauth1: '_oauth' } as const;

type Outcome = Pick<LoginOutcomeMessage, 'outcome' | 'reason' | 'errorName' | 'status'>;

/**
 * Watches one request of a sign-in: the first leg's redirect to Bitbucket, and the callback leg from its
 * arrival to its one outcome, published on `channel('passport-bitbucket-oauth:login')` and logged.
 * Call it first thing in `authenticate()`, on passport's per-request object, before wrapping any action.
 * With no subscriber and `DEBUG` off it returns at once and changes nothing.
 */
export function observeLogin(
  strategy: ObservableStrategy,
  req: { query?: unknown },
  protocol: 'oauth2' | 'oauth1',
  pending?: PendingCount | null,
): void {
  const log = protocolLog(protocol);
  if (!loginChannel.hasSubscribers && !log.enabled) return;
  const target = strategy as unknown as Delegate;
  // NOTE: Bitbucket sends the user back with a GET (no `response_mode=form_post`): the query tells the legs apart.
  const query = Object(req.query) as Record<string, unknown>;
  if (!CALLBACK_MARKERS[protocol].some((name) => name in query)) {
    if (log.enabled) watchFirstLeg(target, req, protocol, log, pending ?? null);
    return;
  }
  const started = performance.now();
  let profileId: string | null = null;
  let finished = false;
  if (log.enabled) {
    log(
      '%s',
      `callback: parameters ${Object.keys(query)
        .map((name) => excerpt(name, 40))
        .join(', ')}`,
    );
    announceExchange(target, protocol, log);
  }
  const finish = (outcome: Outcome, detail?: string): void => {
    /* istanbul ignore if -- passport calls one action per request; this keeps one message whatever a subclass does */
    if (finished) return;
    finished = true;
    const message: LoginOutcomeMessage = {
      strategy: String(target.name),
      deployment: target.deployment,
      ...outcome,
      durationMs: since(started),
      profileId,
    };
    if (log.enabled) log('%s', describeOutcome(message, detail));
    if (loginChannel.hasSubscribers) loginChannel.publish(message);
  };
  around(target, 'userProfile', (args, call) => {
    const done = args.pop() as (err?: unknown, profile?: unknown) => void;
    return call([
      ...args,
      (err?: unknown, profile?: BitbucketProfile): void => {
        // Passport only asks for the profile when it is to be read (not with skipUserProfile): one comes, or an error.
        if (!err) {
          profileId = (profile as BitbucketProfile).id;
          if (log.enabled) log('%s', describeProfile(profile as BitbucketProfile));
        }
        done(err, profile);
      },
    ]);
  });
  around(target, 'success', (args, call) => {
    finish({ outcome: 'success', reason: null, errorName: null, status: null });
    return call(args);
  });
  around(target, 'fail', (args, call) => {
    // The strategies fail with `{ message }` and a status; a verify callback's `done(null, false, info)` with `info`.
    const [challenge, status] = args;
    const text = isObject(challenge) ? challenge.message : challenge;
    const reason = typeof text === 'string' ? excerpt(text) : null;
    finish({ outcome: 'fail', reason, errorName: null, status: typeof status === 'number' ? status : 401 });
    return call(args);
  });
  around(target, 'error', (args, call) => {
    const facts = errorFacts(args[0]);
    finish({ outcome: 'error', reason: facts.code, errorName: facts.name, status: facts.status }, describeError(facts));
    return call(args);
  });
}

/** Replaces a method on passport's per-request object only (never on the strategy itself). */
function around(
  target: Delegate,
  name: keyof Delegate,
  wrap: (args: unknown[], call: (a: unknown[]) => unknown) => unknown,
): void {
  const original = target[name] as Method;
  (target as unknown as Record<string, Method>)[name] = function (this: unknown, ...args: unknown[]): unknown {
    return wrap(args, (a) => original.apply(this, a));
  };
}

/** Logs the redirect to Bitbucket, and a first leg that ends in an error (e.g. the request token refused). */
function watchFirstLeg(
  target: Delegate,
  req: unknown,
  protocol: 'oauth2' | 'oauth1',
  log: DebugLog,
  pending: PendingCount | null,
): void {
  around(target, 'redirect', (args, call) => {
    log('%s', describeRedirect(String(args[0]), protocol, pending?.count(req)));
    return call(args);
  });
  around(target, 'error', (args, call) => {
    log('%s', `sign-in could not start: ${describeError(errorFacts(args[0]))}`);
    return call(args);
  });
}

/**
 * Logs the moment passport asks for the access token: the state (OAuth 2.0) or request token (OAuth 1.0a)
 * matched a sign-in of this browser, or was not checked (`state: false`). Shadows the client on the
 * per-request object only.
 */
function announceExchange(target: Delegate, protocol: 'oauth2' | 'oauth1', log: DebugLog): void {
  const key = TOKEN_CLIENT[protocol];
  const client: unknown = (target as unknown as Record<string, unknown>)[key];
  /* istanbul ignore if -- passport-oauth2 and passport-oauth1 have always had this client */
  if (!isObject(client) || typeof client.getOAuthAccessToken !== 'function') return;
  const exchange = client.getOAuthAccessToken as Method;
  const shadow = Object.create(client) as Record<string, unknown>;
  shadow.getOAuthAccessToken = (...args: unknown[]): unknown => {
    const what = protocol === 'oauth2' ? 'state' : 'request token';
    log('%s', `callback accepted: the ${what} matched (or is not checked); exchanging for an access token`);
    return exchange.apply(client, args);
  };
  Object.defineProperty(target, key, { value: shadow, configurable: true, writable: true });
}
