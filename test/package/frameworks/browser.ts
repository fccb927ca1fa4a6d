/**
 * One browser against a matrix app: a cookie-keeping agent, and the three legs of a sign-in taken one at a
 * time, so a test can interleave tabs, deny at Bitbucket, or replay a callback.
 */
import request from 'supertest';
import { pathOf } from '../../support/flow';

/** Which sign-in: the route prefix of the strategy in every matrix app (`params`: the NestJS app only). */
export type Flow = 'oauth2' | 'oauth1' | 'params';

/** How a callback ended for the browser. */
export type Ending = 'signed in' | 'failed' | `error ${number}: ${string}`;

export class Browser {
  readonly agent: request.Agent;

  constructor(
    readonly appURL: string,
    readonly flow: Flow,
  ) {
    this.agent = request.agent(appURL);
  }

  /** First leg: the app's redirect to Bitbucket; returns the authorize URL. */
  async start(): Promise<string> {
    const res = await this.agent.get(`/auth/${this.flow}`);
    const location = res.headers.location;
    if (res.status !== 302 || typeof location !== 'string') {
      throw new Error(`expected a redirect to Bitbucket, got ${res.status}: ${res.text.slice(0, 300)}`);
    }
    return location;
  }

  /** Second leg: Bitbucket (the mock, auto-approving) sends the browser back; returns the callback's path. */
  async authorize(authorizeURL: string, mockUser?: string): Promise<string> {
    const headers: Record<string, string> = mockUser === undefined ? {} : { 'x-mock-user': mockUser };
    const back = await fetch(authorizeURL, { redirect: 'manual', headers });
    const location = back.headers.get('location');
    if (back.status !== 302 || location === null) {
      throw new Error(`the mock did not send the browser back: ${back.status} ${(await back.text()).slice(0, 300)}`);
    }
    return pathOf(location);
  }

  /** Third leg: the callback, and where the app sends the browser. */
  async finish(callbackPath: string): Promise<Ending> {
    const res = await this.agent.get(callbackPath);
    const location = res.headers.location;
    if (res.status === 302 && location === '/me') return 'signed in';
    // NestJS too: its AuthGuard's 401 (UnauthorizedException) goes there through the guide's exception filter.
    if (res.status === 302 && location === '/failed') return 'failed';
    return `error ${res.status}: ${res.text.slice(0, 300)}`;
  }

  /** A whole sign-in as `mockUser` (default: the mock's first user, jdoe). */
  async signIn(mockUser?: string): Promise<Ending> {
    return this.finish(await this.authorize(await this.start(), mockUser));
  }

  /** Who the app's session says is signed in. */
  async user(): Promise<Record<string, unknown> | null> {
    const res = await this.agent.get('/me');
    return (res.body as { user: Record<string, unknown> | null }).user;
  }
}
