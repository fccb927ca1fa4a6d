/**
 * Express 5's `req.query` is a getter that parses the query string again at every read, and passport-oauth2 reads
 * it eight times in a callback: the OAuth 2.0 strategy reads it once and runs passport-oauth2's callback steps on
 * what it read (issue 22). Seen from the app: its query parser runs once per callback, and `req.query` is still
 * Express's getter afterwards, with no property left behind on the request.
 */
import type { NextFunction, Request, Response } from 'express';
import { parse } from 'node:querystring';
import type { Strategy } from 'passport';
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type { MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { cloudOptions, useHarness } from '../oauth2/helpers';

/** What one request to the app did with its query string. */
interface QueryUse {
  path: string;
  /** Times the app's query parser ran while the request was handled. */
  parses: number;
  /** `req.query` was an own property of the request when the response finished. */
  ownQueryLeft: boolean;
  /** `req.query` as the app reads it once the response finished. */
  queryAfter: unknown;
}

/** Middleware that counts the query parses of each request and records how the request ended. */
function queryCounter(uses: QueryUse[]) {
  let parses = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    req.app.set('query parser', (text: string) => {
      parses++;
      return parse(text);
    });
    parses = 0;
    res.on('finish', () => {
      const use = { path: req.path, parses, ownQueryLeft: Object.hasOwn(req, 'query'), queryAfter: undefined };
      uses.push({ ...use, queryAfter: req.query });
    });
    next();
  };
}

describe.each([
  {
    protocol: 'OAuth 2.0',
    build: (mock: MockBitbucket): Strategy => new BitbucketOAuth2Strategy(cloudOptions(mock), verify),
    keys: ['code', 'state'],
  },
])('$protocol on Express 5: the callback parses its query once', ({ build, keys }) => {
  const uses: QueryUse[] = [];
  const h = useHarness(build, { app: { before: [queryCounter(uses)] } });
  beforeEach(() => uses.splice(0));

  it('signs in with one parse of the query, and leaves Express’s getter in place', async () => {
    const steps = await login(h().app.agent());
    expect(steps.callback?.status).toBe(200);
    const callback = uses.find((use) => use.path === '/callback');
    expect(callback).toMatchObject({ parses: 1, ownQueryLeft: false });
    expect(Object.keys(callback?.queryAfter ?? {}).sort()).toEqual(keys);
  });

  it('a callback that fails leaves the getter in place too', async () => {
    const agent = h().app.agent();
    const steps = await login(agent);
    expect(steps.callback?.status).toBe(200);
    uses.splice(0);
    // The same callback again: its sign-in is used up, so it fails.
    const back = new URL(String(steps.authorize.headers.location));
    const again = await agent.get(back.pathname + back.search);
    expect(again.status).toBe(302);
    expect(uses.find((use) => use.path === '/callback')).toMatchObject({ parses: 1, ownQueryLeft: false });
  });
});

function verify(...args: unknown[]): void {
  const done = args.at(-1) as (err: null, user: object) => void;
  done(null, { id: 'someone' });
}
