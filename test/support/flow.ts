/**
 * Drives the browser's side of a login: app → Bitbucket (the mock) → app, with real HTTP.
 * The mock must run with `autoApprove: true` (or a 'deny' fault) for the middle step to redirect.
 */
import request from 'supertest';

export interface LoginSteps {
  /** The app's answer to the start URL (a redirect to Bitbucket). */
  start: request.Response;
  /** Bitbucket's answer to the authorize URL (a redirect back, or an error page). */
  authorize: request.Response;
  /** The app's answer to the callback, or `null` when Bitbucket did not redirect back. */
  callback: request.Response | null;
}

/** Path and query of an absolute URL, for an agent bound to the app. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Runs one login through the redirects. `mockUser` picks who is signed in at the mock. */
export async function login(
  agent: request.Agent,
  options: { start?: string; mockUser?: string } = {},
): Promise<LoginSteps> {
  const start = await agent.get(options.start ?? '/login');
  if (start.status !== 302 || typeof start.headers.location !== 'string') {
    throw new Error(`expected a redirect to Bitbucket, got ${start.status} ${start.text.slice(0, 200)}`);
  }
  let authorizeCall = request(start.headers.location).get('');
  if (options.mockUser !== undefined) authorizeCall = authorizeCall.set('x-mock-user', options.mockUser);
  const authorize = await authorizeCall;
  const back = authorize.headers.location;
  if (authorize.status !== 302 || typeof back !== 'string') return { start, authorize, callback: null };
  const callback = await agent.get(pathOf(back));
  return { start, authorize, callback };
}

/** Follows the app's redirect after the callback (e.g. to /failed) and returns that page. */
export async function followApp(agent: request.Agent, response: request.Response): Promise<request.Response> {
  const location = response.headers.location;
  if (typeof location !== 'string') return response;
  return agent.get(location.startsWith('http') ? pathOf(location) : location);
}

/** The newest message on the test app's failure page (passport's `failureMessage` appends to a list). */
export function lastMessage(page: request.Response): string | undefined {
  return (page.body as { messages?: string[] }).messages?.at(-1);
}
