import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ConnectionLog, connectDelayFrom } from './connect-delay';
import { clientScopes, findClient, type MockContext, type MockSettings } from './context';
import { handleRequest } from './dispatch';
import { FaultTable } from './faults';
import { MockStore } from './store';
import { TimerRegistry } from './timers';
import type { MockBitbucket, MockBitbucketOptions, MockClient, MockRequestRecord } from './types';
import { cloneDefaultUsers, DEFAULT_CLIENT, findUser } from './users';

function settingsFrom(options: MockBitbucketOptions): MockSettings {
  const window = options.oauth1TimestampWindowSeconds ?? 300;
  if (!Number.isFinite(window) || window <= 0) {
    throw new RangeError('createMockBitbucket: oauth1TimestampWindowSeconds must be a positive number');
  }
  return {
    autoApprove: options.autoApprove ?? false,
    oauth1TimestampWindowSeconds: window,
    tokenScopeField: options.tokenScopeField ?? 'scope',
    ...(options.oauth1DenyStyle ? { oauth1DenyStyle: options.oauth1DenyStyle } : {}),
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a mock Bitbucket (Cloud and Data Center on one real HTTP server, random port).
 * Close it with `close()` when done.
 * @example
 * const mock = await createMockBitbucket({ autoApprove: true });
 * passport.use(new BitbucketStrategy({ ...mock.oauth2Endpoints(), clientID: 'mock-client-id',
 *   clientSecret: 'mock-client-secret', callbackURL: `${appUrl}/auth/bitbucket/callback` }, verify));
 * // … drive the app with supertest or a browser …
 * await mock.close();
 */
export async function createMockBitbucket(options: MockBitbucketOptions = {}): Promise<MockBitbucket> {
  const users = options.users ? [...options.users] : cloneDefaultUsers();
  if (users.length === 0) throw new RangeError('createMockBitbucket: users must not be empty');
  const clients: MockClient[] = options.clients ? [...options.clients] : [{ ...DEFAULT_CLIENT }];
  const settings = settingsFrom(options);
  const host = options.host ?? '127.0.0.1';
  const timers = new TimerRegistry();
  const store = new MockStore();
  const faults = new FaultTable();
  const requests: MockRequestRecord[] = [];
  const sockets = new Set<Socket>();
  let url = '';
  const ctx: MockContext = {
    get url() {
      return url;
    },
    settings,
    clients,
    users,
    store,
    timers,
  };

  const connections = new ConnectionLog(connectDelayFrom(options.connectDelayMs), timers);
  const server = createServer((req, res) =>
    connections.whenOldEnough(req, () => handleRequest({ ctx, faults, requests }, req, res)),
  );
  server.on('connection', (socket) => {
    connections.opened(socket);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  /* istanbul ignore next: a TCP server always has an AddressInfo */
  const port = address && typeof address === 'object' ? address.port : 0;
  url = `http://${urlHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      timers.clearAll();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }));

  return {
    url,
    clients,
    users,
    requests,
    get connectionCount() {
      return connections.count;
    },
    oauth2Endpoints: () => ({
      authorizationURL: `${url}/site/oauth2/authorize`,
      tokenURL: `${url}/site/oauth2/access_token`,
      userProfileURL: `${url}/2.0/user`,
      userEmailsURL: `${url}/2.0/user/emails`,
      userWorkspacesURL: `${url}/2.0/user/workspaces`,
    }),
    oauth1Endpoints: () => ({
      requestTokenURL: `${url}/api/1.0/oauth/request_token/`,
      userAuthorizationURL: `${url}/api/1.0/oauth/authenticate/`,
      accessTokenURL: `${url}/api/1.0/oauth/access_token/`,
      userProfileURL: `${url}/2.0/user`,
      userEmailsURL: `${url}/2.0/user/emails`,
      userWorkspacesURL: `${url}/2.0/user/workspaces`,
    }),
    dataCenterEndpoints: () => ({
      baseURL: url,
      authorizationURL: `${url}/rest/oauth2/latest/authorize`,
      tokenURL: `${url}/rest/oauth2/latest/token`,
      requestTokenURL: `${url}/plugins/servlet/oauth/request-token`,
      userAuthorizationURL: `${url}/plugins/servlet/oauth/authorize`,
      accessTokenURL: `${url}/plugins/servlet/oauth/access-token`,
      whoamiURL: `${url}/plugins/servlet/applinks/whoami`,
      usersURL: `${url}/rest/api/latest/users/`,
    }),
    setFault: (endpoint, fault, opts) => faults.set(endpoint, fault, opts),
    clearFaults: () => faults.clear(),
    issueAccessToken(userIndexOrUsername, clientId) {
      const user = findUser(users, userIndexOrUsername);
      if (!user) throw new RangeError(`issueAccessToken: no mock user ${JSON.stringify(userIndexOrUsername)}`);
      const client = clientId === undefined ? clients[0] : findClient(ctx, clientId);
      if (!client) throw new RangeError(`issueAccessToken: no mock client ${JSON.stringify(clientId)}`);
      return store.issueTokens(
        { clientId: client.clientId, family: 'cloud', user, scopes: clientScopes(client) },
        false,
      ).accessToken;
    },
    expireAccessTokens: () => store.expireAll(),
    close,
  };
}
