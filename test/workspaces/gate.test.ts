import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { JDOE_UUID, requestsTo } from '../oauth2/helpers';
import { ACME_UUID, DENIED, janeWith, teams, useGate } from './helpers';

guardProcess();

describe('workspaces: only members of an allowed workspace sign in (OAuth 2.0, Cloud)', () => {
  const h = useGate({ workspaces: ['acme'] });

  it('signs in a member and hands the verify callback every workspace of the user', async () => {
    const { callback } = await login(h().app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JDOE_UUID, workspaces: ['acme', 'jdoe'] });
    expect(h().verified[0]?.workspaces).toEqual([
      { slug: 'acme', uuid: ACME_UUID, name: 'ACME', administrator: true },
      { slug: 'jdoe', uuid: '{2c9e4b71-3a5d-4f8e-b6c0-d1e2f3a4b5c6}', name: 'Jane Doe', administrator: true },
    ]);
  });

  it('reads the list with pagelen=100, in one page for most users', async () => {
    await login(h().app.agent(), { mockUser: 'mmails' });
    const calls = requestsTo(h().mock, 'workspaces');
    expect(calls.map((c) => c.query)).toEqual([{ pagelen: '100' }]);
    expect(h().verified[0]?.workspaces).toHaveLength(12);
  });

  it('sends a user in none of them to failureRedirect with the message, without calling verify or opening a session', async () => {
    const agent = h().app.agent();
    // Pat Private can access no workspace at all.
    const { callback } = await login(agent, { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({ messages: [DENIED] });
    expect(h().verified).toHaveLength(0);
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(h().app.errors).toHaveLength(0);
  });
});

describe('workspaces: the denial without a failureRedirect', () => {
  const h = useGate({ workspaces: ['acme'] }, { app: { callbackOptions: { failureRedirect: undefined } } });

  it('answers 403', async () => {
    const { callback } = await login(h().app.agent(), { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    expect(callback?.status).toBe(403);
    expect(h().verified).toHaveLength(0);
  });
});

describe('workspaces: what counts as a match', () => {
  const pageTwo = janeWith([
    ...teams(110),
    { slug: 'Acme-Labs', uuid: '{ABCDEF01-2345-4678-9ABC-DEF012345678}', name: 'Labs' },
  ]);

  describe('a member whose allowed workspace is on page 2', () => {
    const h = useGate({ workspaces: ['acme-labs'] }, { mock: { users: [pageTwo] } });

    it('follows next and signs them in, the slug compared without regard to case', async () => {
      const { callback } = await login(h().app.agent());
      expect(callback?.status).toBe(200);
      expect(requestsTo(h().mock, 'workspaces').map((c) => c.query)).toEqual([
        { pagelen: '100' },
        { page: '2', pagelen: '100' },
      ]);
      expect(h().verified[0]?.workspaces).toHaveLength(111);
    });
  });

  describe('a member found by workspace uuid', () => {
    const h = useGate({ workspaces: ['{abcdef01-2345-4678-9abc-def012345678}'] }, { mock: { users: [pageTwo] } });

    it('matches the uuid whatever the case of its hex digits', async () => {
      const { callback } = await login(h().app.agent());
      expect(callback?.status).toBe(200);
    });
  });

  describe('several allowed workspaces', () => {
    const h = useGate({ workspaces: ['globex', ACME_UUID.toUpperCase(), 'initech'] });

    it('lets in a member of any one of them', async () => {
      const { callback } = await login(h().app.agent(), { mockUser: 'mmails' });
      expect(callback?.status).toBe(200);
    });

    it('keeps out a user of none of them', async () => {
      const { callback } = await login(h().app.agent(), { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
      expect(callback?.headers.location).toBe('/failed');
    });
  });

  describe('a workspace whose name, not slug, is allowed', () => {
    const h = useGate(
      { workspaces: ['acme'] },
      { mock: { users: [janeWith([{ slug: 'acme-corp', uuid: ACME_UUID.replace('5f', '6f'), name: 'acme' }])] } },
    );

    it('does not match: names are not unique and anyone can pick one', async () => {
      const { callback } = await login(h().app.agent());
      expect(callback?.headers.location).toBe('/failed');
    });
  });

  describe('a user of 250 workspaces, the allowed one the very last', () => {
    const h = useGate({ workspaces: ['team-250'] }, { mock: { users: [janeWith(teams(250))] } });

    it('reads three pages of 100 and signs them in', async () => {
      const { callback } = await login(h().app.agent());
      expect(callback?.status).toBe(200);
      expect(requestsTo(h().mock, 'workspaces').map((c) => c.query.page ?? '1')).toEqual(['1', '2', '3']);
      expect(
        h()
          .verified[0]?.workspaces?.map((w) => w.slug)
          .at(-1),
      ).toBe('team-250');
      expect(h().verified[0]?.workspaces).toHaveLength(250);
    });
  });

  describe('a userWorkspacesURL with its own pagelen', () => {
    const h = useGate((mock) => ({
      workspaces: ['acme'],
      userWorkspacesURL: `${mock.url}/2.0/user/workspaces?pagelen=10`,
    }));

    it('keeps it and follows next: Max is in acme, on page 2 of 10 rows', async () => {
      const { callback } = await login(h().app.agent(), { mockUser: 'mmails' });
      expect(callback?.status).toBe(200);
      expect(requestsTo(h().mock, 'workspaces').map((c) => c.query)).toEqual([
        { pagelen: '10' },
        { page: '2', pagelen: '10' },
      ]);
    });
  });
});

describe('workspaces: the list without the gate (readWorkspaces: true)', () => {
  const h = useGate({ readWorkspaces: true });

  it('signs in a user of no workspace, with an empty list', async () => {
    const { callback } = await login(h().app.agent(), { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    expect(callback?.status).toBe(200);
    expect(h().verified[0]?.workspaces).toEqual([]);
  });

  it('gives the roles to map: Jane administers acme', async () => {
    await login(h().app.agent());
    expect(h().verified[0]?.workspaces?.find((w) => w.slug === 'acme')?.administrator).toBe(true);
  });
});

describe('workspaces: not read unless asked for', () => {
  const h = useGate({});

  it('makes no workspaces call and leaves profile.workspaces out', async () => {
    const { callback } = await login(h().app.agent());
    expect(callback?.status).toBe(200);
    expect(requestsTo(h().mock, 'workspaces')).toHaveLength(0);
    expect(h().verified[0]).not.toHaveProperty('workspaces');
  });
});
