/** What `passport-bitbucket-oauth-mock` prints once it listens: its endpoints, its consumer and its users. */
import type { MockBitbucket, MockClient } from '../types';
import { userSelector } from '../users/users';

/** Everything an app needs to point at the mock, as `--json` prints it. */
export function describeMock(mock: MockBitbucket): {
  url: string;
  oauth2: ReturnType<MockBitbucket['oauth2Endpoints']>;
  oauth1: ReturnType<MockBitbucket['oauth1Endpoints']>;
  dataCenter: { baseURL: string };
  client: MockClient;
  users: { name: string; displayName: string }[];
} {
  const client = mock.clients[0] ?? { clientId: '', clientSecret: '' };
  return {
    url: mock.url,
    oauth2: mock.oauth2Endpoints(),
    oauth1: mock.oauth1Endpoints(),
    dataCenter: { baseURL: mock.dataCenterEndpoints().baseURL },
    client,
    users: mock.users.map((u) => ({ name: userSelector(u), displayName: u.displayName })),
  };
}

function rows(entries: Record<string, string>): string[] {
  const width = Math.max(...Object.keys(entries).map((key) => key.length));
  return Object.entries(entries).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`);
}

/** The text banner. */
export function banner(mock: MockBitbucket): string {
  const { url, oauth2, oauth1, dataCenter, client, users } = describeMock(mock);
  const callback =
    client.callbackURL === undefined ? '(none)' : `${client.callbackURL}  (a redirect_uri must start with it)`;
  return [
    `Mock Bitbucket on ${url} (Ctrl-C stops it)`,
    '',
    'OAuth 2.0, Bitbucket Cloud (BitbucketOAuth2Strategy options):',
    ...rows({ ...oauth2 }),
    'OAuth 1.0a, Bitbucket Cloud (BitbucketStrategy options):',
    ...rows({ ...oauth1 }),
    'Bitbucket Data Center (either strategy):',
    ...rows(dataCenter),
    '',
    'OAuth consumer:',
    ...rows({
      'clientID / consumerKey': client.clientId,
      'clientSecret / consumerSecret': client.clientSecret,
      callbackURL: callback,
    }),
    '',
    'Users (the first signs in; add mock_user=<name> to the authorize URL for another):',
    ...rows(Object.fromEntries(users.map((u) => [u.name, u.displayName]))),
    '',
  ].join('\n');
}
