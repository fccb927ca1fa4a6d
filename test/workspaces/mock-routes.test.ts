/** The mock's workspace endpoints, asked directly (as a user's own tests may). */
import request from 'supertest';
import { createMockBitbucket, DEFAULT_USERS, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { fixture } from '../fixtures/load';
import { janeWith, teams } from './helpers';

let mock: MockBitbucket;
beforeAll(async () => {
  mock = await createMockBitbucket({ users: [janeWith(teams(25)), ...DEFAULT_USERS.slice(1)] });
});
afterAll(() => mock.close());
afterEach(() => mock.clearFaults());

const bearer = (user: number | string = 0): Record<string, string> => ({
  authorization: `Bearer ${mock.issueAccessToken(user)}`,
});

describe('GET /2.0/user/workspaces on the mock', () => {
  it('pages like Bitbucket: 10 rows by default, next and previous absolute, page and size', async () => {
    const first = await request(mock.url).get('/2.0/user/workspaces').set(bearer());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      pagelen: 10,
      page: 1,
      size: 25,
      next: `${mock.url}/2.0/user/workspaces?page=2`,
    });
    expect(first.body).not.toHaveProperty('previous');
    expect(first.body.values).toHaveLength(10);
    expect(first.body.values[0]).toEqual({
      type: 'workspace_access',
      administrator: false,
      workspace: { type: 'workspace', uuid: '{00000000-0000-4000-a000-000000000001}', slug: 'team-1', name: 'Team 1' },
    });
    const last = await request(mock.url).get('/2.0/user/workspaces?page=3').set(bearer());
    expect(last.body).toMatchObject({ page: 3, size: 25, previous: `${mock.url}/2.0/user/workspaces?page=2` });
    expect(last.body).not.toHaveProperty('next');
    expect(last.body.values).toHaveLength(5);
  });

  it("answers rows in the shape of the facts' workspace_access (same keys)", async () => {
    const res = await request(mock.url).get('/2.0/user/workspaces').set(bearer());
    const facts = fixture('cloud-workspaces.facts-2026-11.json').json as { values: Record<string, unknown>[] };
    expect(Object.keys(res.body.values[0]).sort()).toEqual(Object.keys(facts.values[0]!).sort());
  });

  it('takes pagelen up to 100, keeps it in next, and refuses more with 400', async () => {
    const res = await request(mock.url).get('/2.0/user/workspaces?pagelen=20').set(bearer());
    expect(res.body).toMatchObject({ pagelen: 20, next: `${mock.url}/2.0/user/workspaces?page=2&pagelen=20` });
    expect((await request(mock.url).get('/2.0/user/workspaces?pagelen=100').set(bearer())).body.values).toHaveLength(
      25,
    );
    const tooMany = await request(mock.url).get('/2.0/user/workspaces?pagelen=101').set(bearer());
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ type: 'error', error: { message: 'Invalid pagelen' } });
  });

  it('answers 404 past the last page, and an empty first page to a user of no workspace', async () => {
    expect((await request(mock.url).get('/2.0/user/workspaces?page=4').set(bearer())).status).toBe(404);
    const none = await request(mock.url).get('/2.0/user/workspaces').set(bearer(1));
    expect(none.body).toEqual({ pagelen: 10, values: [], page: 1, size: 0 });
  });

  it('needs a token with the account scope', async () => {
    expect((await request(mock.url).get('/2.0/user/workspaces')).status).toBe(401);
    const emailOnly = await createMockBitbucket({
      clients: [{ clientId: 'c', clientSecret: 's', callbackURL: 'http://127.0.0.1:', scopes: ['email'] }],
    });
    try {
      const res = await request(emailOnly.url)
        .get('/2.0/user/workspaces')
        .set({ authorization: `Bearer ${emailOnly.issueAccessToken(0)}` });
      expect(res.status).toBe(403);
      expect(res.body.error.detail).toEqual({ required: ['account'], granted: ['email'] });
    } finally {
      await emailOnly.close();
    }
  });

  it('obeys the workspaces fault switch', async () => {
    mock.setFault('workspaces', { kind: 'status', status: 503 }, { times: 1 });
    expect((await request(mock.url).get('/2.0/user/workspaces').set(bearer())).status).toBe(503);
    expect((await request(mock.url).get('/2.0/user/workspaces').set(bearer())).status).toBe(200);
    expect(mock.requests.filter((r) => r.endpoint === 'workspaces')).not.toHaveLength(0);
  });
});

describe('GET /2.0/user/workspaces/{workspace}/permission on the mock', () => {
  it('answers owner or member, by slug in any case or by uuid', async () => {
    const jane = await createMockBitbucket();
    try {
      const ask = (id: string, user: number | string = 0): request.Test =>
        request(jane.url)
          .get(`/2.0/user/workspaces/${encodeURIComponent(id)}/permission`)
          .set({ authorization: `Bearer ${jane.issueAccessToken(user)}` });
      expect((await ask('acme')).body).toEqual({ permission: 'owner' });
      expect((await ask('ACME', 'mmails')).body).toEqual({ permission: 'member' });
      expect((await ask('{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f}', 'mmails')).body).toEqual({ permission: 'member' });
      expect((await ask('acme', 1)).status).toBe(404);
    } finally {
      await jane.close();
    }
  });
});

describe('the endpoints CHANGE-2770 removed, on the mock', () => {
  const envelope = fixture('cloud-error-410-change-2770.facts-2026-11.json').json as {
    error: { message: string; detail: string };
  };

  it.each([
    '/2.0/workspaces',
    '/2.0/user/permissions/workspaces',
    '/2.0/user/permissions/repositories',
    '/2.0/repositories',
  ])('%s answers 410 with the CHANGE-2770 envelope', async (path) => {
    const res = await request(mock.url).get(path).set(bearer());
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({
      type: 'error',
      error: { message: envelope.error.message, detail: envelope.error.detail },
    });
    expect(res.body.error.data.announcement_url).toMatch(/#CHANGE-2770$/);
  });

  it("still serves a workspace's repositories (/2.0/repositories/{workspace} is not removed)", async () => {
    expect((await request(mock.url).get('/2.0/repositories/acme').set(bearer())).status).not.toBe(410);
  });
});
