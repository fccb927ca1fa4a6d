import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ConnectionLog, connectDelayFrom } from './server/connect-delay';
import { clientScopes, findClient, type MockContext } from './server/context';
import { handleRequest } from './dispatch';
import { FaultTable } from './faults/faults';
import { dataCenterEndpoints } from './router';
import { checkDenyStyle, checkOrigin, checkPort, mockSettings } from './server/settings';
import { MockStore } from './users/store';
import { TimerRegistry } from './server/timers';
import type { MockBitbucket, MockBitbucketOptions, MockClient, MockRequestRecord } from './types';
import { cloneDefaultUsers, DEFAULT_CLIENT, findUser } from './users/users';

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a mock Bitbucket (Cloud and Data Center on one real HTTP server, on a free port unless `port` is given).
 * Close it with `close()` when done. `mock.oauth2Endpoints()` are the mock's Cloud URLs for
 * `BitbucketOAuth2Strategy`, `mock.oauth1Endpoints()` those for `BitbucketStrategy` (OAuth 1.0a); for Data Center,
 * give `baseURL: mock.url` to either.
 * @example
 * import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
 * import { createMockBitbucket, DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
 *
 * const mock = await createMockBitbucket({ autoApprove: true });
 * passport.use(new BitbucketOAuth2Strategy({ ...mock.oauth2Endpoints(), clientID: DEFAULT_CLIENT.clientId,
 *   clientSecret: DEFAULT_CLIENT.clientSecret, callbackURL: `${appUrl}/auth/bitbucket/callback` }, verify));
 * // … drive the app with supertest or a browser …
 * await mock.close();
 */
export async function createMockBitbucket(options: MockBitbucketOptions = {}): Promise<MockBitbucket> {
  const users = options.users ? [...options.users] : cloneDefaultUsers();
  if (users.length === 0) throw new RangeError('createMockBitbucket: users must not be empty');
  const clients: MockClient[] = options.clients ? [...options.clients] : [{ ...DEFAULT_CLIENT }];
  const settings = mockSettings(options);
  const host = options.host ?? '127.0.0.1';
  const listenPort = checkPort(options.port);
  const timers = new TimerRegistry();
  const store = new MockStore(settings.refreshTokenLifetimeSeconds);
  const faults = new FaultTable();
  const requests: MockRequestRecord[] = [];
  const sockets = new Set<Socket>();
  let url = '';
  const ctx: MockContext = {
    get url() {
      return url;
    },
    get dcBase() {
      return url + settings.dataCenterPath;
    },
    counters: { dcPathMisses: 0 },
    origins: [],
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
    server.listen(listenPort, host, () => {
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
    dataCenterEndpoints: () => dataCenterEndpoints(ctx.dcBase),
    setFault: (endpoint, fault, opts) => faults.set(endpoint, fault, opts),
    clearFaults: () => faults.clear(),
    issueAccessToken(userIndexOrUsername, clientId, product = 'cloud') {
      const user = findUser(users, userIndexOrUsername);
      if (!user) throw new RangeError(`issueAccessToken: no mock user ${JSON.stringify(userIndexOrUsername)}`);
      const client = clientId === undefined ? clients[0] : findClient(ctx, clientId);
      if (!client) throw new RangeError(`issueAccessToken: no mock client ${JSON.stringify(clientId)}`);
      const grant =
        product === 'dataCenter'
          ? { clientId: client.clientId, family: 'dc' as const, user, scopes: ['PUBLIC_REPOS'] }
          : { clientId: client.clientId, family: 'cloud' as const, user, scopes: clientScopes(client) };
      return store.issueTokens(grant, false).accessToken;
    },
    expireAccessTokens: () => store.expireAll(),
    expireRefreshTokens: () => store.expireRefreshTokens(),
    setOAuth1DenyStyle(style) {
      const checked = checkDenyStyle(style);
      if (checked === undefined) delete settings.oauth1DenyStyle;
      else settings.oauth1DenyStyle = checked;
    },
    addOrigin: (origin) => void ctx.origins.push(checkOrigin(origin)),
    get dataCenterPathMisses() {
      return ctx.counters.dcPathMisses;
    },
    close,
  };
}
