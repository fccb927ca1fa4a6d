import { BitbucketAPIError } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket, type MockFault } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { errorTexts, expectNoCredentials, requestsTo } from '../oauth2/helpers';
import { janeWith, teams, useGate, type GateHarness } from './helpers';

guardProcess();

/** Runs one login that must end in a 500 without anyone signed in; returns the error the app received. */
async function failsClosed(h: GateHarness, mockUser?: string): Promise<BitbucketAPIError> {
  const agent = h.app.agent();
  const { callback } = await login(agent, mockUser === undefined ? {} : { mockUser });
  expect(callback?.status).toBe(500);
  expect(h.verified).toHaveLength(0);
  expect((await agent.get('/me')).body).toEqual({ user: null });
  expect(h.app.errors).toHaveLength(1);
  const err = h.app.errors[0];
  expect(err).toBeInstanceOf(BitbucketAPIError);
  for (const text of errorTexts(err)) expectNoCredentials([text]);
  return err as BitbucketAPIError;
}

describe('workspaces: when the membership cannot be established, nobody signs in', () => {
  const h = useGate({ workspaces: ['acme'], timeout: 400 });

  const faults: [string, MockFault, Partial<BitbucketAPIError>][] = [
    ['a 500', { kind: 'status', status: 500 }, { code: 'http', status: 500 }],
    [
      "a 503 in Bitbucket's envelope",
      { kind: 'json', status: 503, body: { type: 'error', error: { message: 'Service unavailable' } } },
      { code: 'http', status: 503, bitbucketMessage: 'Service unavailable' },
    ],
    ['a timeout', { kind: 'hang' }, { code: 'timeout' }],
    ['a reset connection', { kind: 'reset' }, { code: 'network' }],
    ['bad JSON', { kind: 'badJson' }, { code: 'invalid_response' }],
    ['a body that is not a page', { kind: 'json', body: { values: 'acme' } }, { code: 'invalid_response' }],
    [
      'a 401',
      { kind: 'json', status: 401, body: { type: 'error', error: { message: 'Access token expired.' } } },
      { code: 'http', status: 401 },
    ],
    [
      'a redirect',
      { kind: 'redirect', location: 'https://bitbucket.org/account/signin/' },
      { code: 'redirect', status: 302 },
    ],
    [
      'a 429',
      {
        kind: 'status',
        status: 429,
        body: 'Rate limit for this resource has been exceeded',
        headers: { 'Retry-After': '30' },
      },
      { code: 'http', status: 429, retryAfter: 30 },
    ],
  ];
  it.each(faults)('%s', async (_what, fault, expected) => {
    h().mock.setFault('workspaces', fault);
    expect(await failsClosed(h())).toMatchObject(expected);
  });

  it('a 403 for a missing scope, whose message names the scope and the consumer permission', async () => {
    h().mock.setFault('workspaces', {
      kind: 'json',
      status: 403,
      body: {
        type: 'error',
        error: {
          message: 'Your credentials lack one or more required privilege scopes.',
          detail: { required: ['account'], granted: ['email'] },
        },
      },
    });
    const err = await failsClosed(h());
    expect(err).toMatchObject({ code: 'http', status: 403, required: ['account'], granted: ['email'] });
    expect(err.message).toContain(
      'needs the "account" scope (consumer permission Account: Read); the token has: email',
    );
  });

  it('a 403 without details still names the scope the list needs', async () => {
    h().mock.setFault('workspaces', { kind: 'deny' });
    expect((await failsClosed(h())).message).toContain('"account" scope');
  });
});

describe('workspaces: an endpoint CHANGE-2770 removed', () => {
  for (const path of ['/2.0/user/permissions/workspaces', '/2.0/workspaces']) {
    describe(path, () => {
      const h = useGate((mock) => ({ workspaces: ['acme'], userWorkspacesURL: `${mock.url}${path}` }));

      it('answers 410, and the error says CHANGE-2770 and where the list lives now', async () => {
        const err = await failsClosed(h());
        expect(err).toMatchObject({ code: 'http', status: 410 });
        expect(err.bitbucketMessage).toBe('CHANGE-2770 - Functionality has been deprecated');
        expect(err.message).toContain('Bitbucket removed this endpoint (CHANGE-2770)');
        expect(err.message).toContain('/2.0/user/workspaces');
      });
    });
  }
});

describe('workspaces: the pages followed', () => {
  describe('a next that points to another origin', () => {
    let elsewhere: MockBitbucket;
    beforeAll(async () => {
      elsewhere = await createMockBitbucket();
    });
    afterAll(() => elsewhere.close());
    const h = useGate({ workspaces: ['acme'] });

    it("is refused: the token never leaves the first page's origin", async () => {
      h().mock.setFault('workspaces', {
        kind: 'json',
        body: { values: [], pagelen: 100, next: `${elsewhere.url}/2.0/user/workspaces?page=2` },
      });
      const err = await failsClosed(h());
      expect(err).toMatchObject({ code: 'invalid_response' });
      expect(err.message).toBe(`Bitbucket response workspaces page "next" points to another origin (${elsewhere.url})`);
      expect(elsewhere.requests).toHaveLength(0);
    });

    it('is refused when it points back to a page already read', async () => {
      h().mock.setFault('workspaces', {
        kind: 'json',
        body: { values: [], next: `${h().mock.url}/2.0/user/workspaces?pagelen=100` },
      });
      expect((await failsClosed(h())).message).toBe(
        'Bitbucket response workspaces page "next" points to a page already read',
      );
      expect(requestsTo(h().mock, 'workspaces')).toHaveLength(1);
    });
  });

  describe('the page cap, reached before a match', () => {
    const h = useGate({ workspaces: ['team-250'], maxWorkspacePages: 2 }, { mock: { users: [janeWith(teams(250))] } });

    it('fails closed after reading exactly maxWorkspacePages pages', async () => {
      const err = await failsClosed(h());
      expect(err).toMatchObject({ code: 'invalid_response' });
      expect(err.message).toBe(
        'Bitbucket response workspaces go on past the maxWorkspacePages limit (2) before an allowed workspace was found',
      );
      expect(requestsTo(h().mock, 'workspaces')).toHaveLength(2);
    });
  });

  describe('the page cap, reached after a match', () => {
    const h = useGate({ workspaces: ['team-1'], maxWorkspacePages: 2 }, { mock: { users: [janeWith(teams(250))] } });

    it('signs the member in with the pages read', async () => {
      const { callback } = await login(h().app.agent());
      expect(callback?.status).toBe(200);
      expect(h().verified[0]?.workspaces).toHaveLength(200);
    });
  });

  describe('the page cap without a gate (readWorkspaces)', () => {
    const h = useGate({ readWorkspaces: true, maxWorkspacePages: 1 }, { mock: { users: [janeWith(teams(101))] } });

    it('fails closed rather than hand over a list cut short', async () => {
      expect((await failsClosed(h())).message).toBe(
        'Bitbucket response workspaces go on past the maxWorkspacePages limit (1)',
      );
    });
  });

  describe('a Bitbucket that refuses pagelen=100', () => {
    const h = useGate({ workspaces: ['acme'] });

    it('asks for the first page once more without it, then follows next', async () => {
      h().mock.setFault(
        'workspaces',
        { kind: 'json', status: 400, body: { type: 'error', error: { message: 'Invalid pagelen' } } },
        { times: 1 },
      );
      const { callback } = await login(h().app.agent(), { mockUser: 'mmails' });
      expect(callback?.status).toBe(200);
      expect(requestsTo(h().mock, 'workspaces').map((c) => c.query)).toEqual([{ pagelen: '100' }, {}, { page: '2' }]);
    });
  });
});

describe('workspaces are read in parallel with /2.0/user and the emails', () => {
  const h = useGate({ workspaces: ['acme'], timeout: 300 });

  it('asks for the workspaces while /2.0/user still has not answered', async () => {
    h().mock.setFault('user', { kind: 'hang' });
    const { callback } = await login(h().app.agent());
    expect(callback?.status).toBe(500);
    expect(requestsTo(h().mock, 'workspaces')).toHaveLength(1);
    expect(requestsTo(h().mock, 'emails')).toHaveLength(1);
  });

  it('asks for the user and the emails while the workspaces still have not answered', async () => {
    h().mock.setFault('workspaces', { kind: 'hang' });
    const { callback } = await login(h().app.agent());
    expect(callback?.status).toBe(500);
    expect(requestsTo(h().mock, 'user')).toHaveLength(1);
    expect(requestsTo(h().mock, 'emails')).toHaveLength(1);
  });
});

describe('a denial cancels the calls still running', () => {
  // A minute-long timeout: were /2.0/user waited for, this test would run into Jest's own time limit.
  const h = useGate({ workspaces: ['acme'], timeout: 60_000 });

  it('turns a non-member away while /2.0/user still has not answered', async () => {
    h().mock.setFault('user', { kind: 'hang' });
    const { callback } = await login(h().app.agent(), { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    expect(callback?.headers.location).toBe('/failed');
    expect(requestsTo(h().mock, 'user')).toHaveLength(1);
    expect(h().verified).toHaveLength(0);
  });
});
