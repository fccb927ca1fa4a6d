/**
 * One sign-in attempt, with what it ended in: a signed-in user, a `fail()` (with the message the app
 * stored) or an error (the one the app's error handler received).
 */
import request from 'supertest';
import { pathOf } from '../support/flow';
import type { TestApp } from '../support/app';
import type { SignedInUser } from './rig';

export interface Attempt {
  outcome: 'success' | 'fail' | 'error';
  /** The app's last answer (the callback's, or /login's when the first leg ended it). */
  response: request.Response;
  /** `success`: the user the app signed in. */
  user: SignedInUser | null;
  /** `fail`: the messages /failed shows (empty when the first leg failed: /login has no failureRedirect). */
  messages: string[];
  /** `error`: what reached the app's error handler. */
  error: (Error & Record<string, unknown>) | null;
  /** Text of every answer the browser saw from the app, for leak checks. */
  seen: string;
  /** Milliseconds spent in the app's two legs (the browser's visit to Bitbucket excluded). */
  elapsed: number;
}

/** Runs /login → Bitbucket → /callback in a fresh browser, following the failure redirect. */
export async function attempt(app: TestApp, options: { mockUser?: string } = {}): Promise<Attempt> {
  const agent = app.agent();
  const errorsBefore = app.errors.length;
  let t0 = performance.now();
  const start = await agent.get('/login');
  let elapsed = performance.now() - t0;
  let response = start;
  const pages: request.Response[] = [start];
  if (start.status === 302 && typeof start.headers.location === 'string') {
    let toBitbucket = request(start.headers.location).get('');
    if (options.mockUser !== undefined) toBitbucket = toBitbucket.set('x-mock-user', options.mockUser);
    const authorize = await toBitbucket;
    const back = authorize.headers.location;
    if (authorize.status !== 302 || typeof back !== 'string') {
      throw new Error(`Bitbucket did not send the browser back: ${authorize.status} ${authorize.text.slice(0, 200)}`);
    }
    t0 = performance.now();
    response = await agent.get(pathOf(back));
    elapsed += performance.now() - t0;
    pages.push(response);
  }
  const seen = (): string => pages.map((p) => `${p.status} ${JSON.stringify(p.headers)} ${p.text}`).join('\n');
  if (response.status === 200 && response.body?.user) {
    return { outcome: 'success', response, user: response.body.user, messages: [], error: null, seen: seen(), elapsed };
  }
  if (response.status === 500) {
    const error = app.errors[errorsBefore] as (Error & Record<string, unknown>) | undefined;
    if (!error) throw new Error('a 500 without an error reaching the error handler');
    return { outcome: 'error', response, user: null, messages: [], error, seen: seen(), elapsed };
  }
  if (response.status === 302 && String(response.headers.location).endsWith('/failed')) {
    const failed = await agent.get('/failed');
    pages.push(failed);
    return {
      outcome: 'fail',
      response,
      user: null,
      messages: failed.body.messages,
      error: null,
      seen: seen(),
      elapsed,
    };
  }
  if (response === start && (start.status === 401 || start.status === 400 || start.status === 403)) {
    return { outcome: 'fail', response, user: null, messages: [], error: null, seen: seen(), elapsed };
  }
  throw new Error(`unexpected answer ${response.status} ${response.text.slice(0, 200)}`);
}
