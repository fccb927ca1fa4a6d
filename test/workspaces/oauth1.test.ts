import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, JANE, oauthParamsOf, useCloud } from '../oauth1/helpers';
import { DENIED } from './helpers';

guardProcess();

describe('workspaces with OAuth 1.0a (BitbucketStrategy, Cloud): the list read with signed requests', () => {
  const harness = useCloud({ options: { workspaces: ['ACME'] } });

  it('signs in a member; the workspaces request is signed with the access token, like the others', async () => {
    const { app, bitbucket, verified } = harness();
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JANE.uuid, email: 'jane@example.com' });
    expect(verified[0]?.profile?.workspaces?.map((w) => w.slug)).toEqual(['acme', 'jdoe']);
    const [workspaces] = callsTo(bitbucket, 'workspaces');
    expect(workspaces?.query).toEqual({ pagelen: '100' });
    const params = oauthParamsOf(workspaces);
    expect(params.oauth_token).toBe(verified[0]?.token);
    expect(params.oauth_signature_method).toBe('HMAC-SHA1');
    expect(params.oauth_signature).toMatch(/.+/);
  });

  it('sends a user outside every allowed workspace to failureRedirect, verify never called', async () => {
    const { app, verified } = harness();
    const agent = app.agent();
    const { callback } = await login(agent, { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({ messages: [DENIED] });
    expect(verified).toHaveLength(0);
    expect((await agent.get('/me')).body).toEqual({ user: null });
  });

  it('fails closed on an outage of the workspaces endpoint', async () => {
    const { app, bitbucket, verified } = harness();
    bitbucket.setFault('workspaces', { kind: 'status', status: 502 });
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(500);
    expect(app.errors[0]).toMatchObject({ name: 'BitbucketAPIError', status: 502 });
    expect(verified).toHaveLength(0);
  });
});
