/**
 * The mock's error pages say what would have worked, so a newcomer whose app is on `localhost`, or who asks for a
 * user by the wrong name, can fix it from the page alone (issue 21). Every default user can be chosen by a short
 * name: the username, else the nickname (Pat Private has no username: `mock_user=pat`).
 */
import { DEFAULT_USERS, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { get, oauthHeader, postForm, useMock } from './helpers';

const CALLBACK = 'http://127.0.0.1:3000/auth/callback';

function authorizeURL(base: string, params: Record<string, string>, path = '/site/oauth2/authorize'): string {
  return `${base}${path}?${new URLSearchParams({ client_id: 'mock-client-id', response_type: 'code', ...params })}`;
}

/** The text of an HTML page, tags dropped and entities read, as a reader sees it. */
async function pageText(res: Response): Promise<string> {
  const html = await res.text();
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

async function oauth1Token(mock: MockBitbucket): Promise<string> {
  const url = mock.oauth1Endpoints().requestTokenURL;
  const res = await postForm(
    url,
    {},
    { authorization: oauthHeader('POST', url, { oauthParams: { oauth_callback: CALLBACK } }) },
  );
  return new URLSearchParams(await res.text()).get('oauth_token') ?? '';
}

describe("the mock's error pages", () => {
  const mock = useMock();

  it('show the registered callback URL when a Cloud redirect_uri does not start with it', async () => {
    const redirectURI = 'http://localhost:3000/auth/bitbucket/callback';
    const res = await get(authorizeURL(mock().url, { redirect_uri: redirectURI }));
    expect(res.status).toBe(400);
    const text = await pageText(res);
    expect(text).toContain('Invalid redirect_uri');
    expect(text).toContain(
      `The redirect_uri ${redirectURI} does not start with http://127.0.0.1:, the callback URL of this OAuth consumer`,
    );
    expect(text).toContain('127.0.0.1, not localhost');
  });

  it('say that no redirect_uri was given, and what the consumer registered', async () => {
    const text = await pageText(await get(authorizeURL(mock().url, {})));
    expect(text).toContain(
      'No redirect_uri was given, and http://127.0.0.1:, the callback URL of this OAuth consumer, is not a complete URL',
    );
  });

  it('show the Data Center callback URL registered for the app, compared whole', async () => {
    const dc = (params: Record<string, string>): string =>
      authorizeURL(mock().url, params, '/rest/oauth2/latest/authorize');
    const first = await get(dc({ redirect_uri: CALLBACK }));
    expect(first.status).toBe(200); // the default consumer registers the first Data Center redirect_uri of an app
    const other = 'http://127.0.0.1:3000/other/callback';
    const text = await pageText(await get(dc({ redirect_uri: other })));
    expect(text).toContain(`The redirect_uri ${other} is not ${CALLBACK}, the callback URL of this OAuth consumer`);
    expect(text).toContain('Data Center compares the whole URL');
  });

  it('list the users that can be chosen when mock_user names none, on both protocols', async () => {
    const expected =
      'No mock user is ghost. Choose one with mock_user: jdoe (Jane Doe), pat (Pat Private), mmails (Max Mails)';
    const oauth2 = await get(authorizeURL(mock().url, { redirect_uri: CALLBACK, mock_user: 'ghost' }));
    expect(oauth2.status).toBe(400);
    expect(await pageText(oauth2)).toContain(expected);
    const token = await oauth1Token(mock());
    const oauth1 = await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${token}&mock_user=ghost`);
    expect(oauth1.status).toBe(400);
    expect(await pageText(oauth1)).toContain(expected);
  });
});

describe('choosing a default user by a short name', () => {
  const mock = useMock();

  it.each(DEFAULT_USERS.map((u) => [u.username ?? u.nickname, u.displayName]))(
    'mock_user=%s signs in %s, over OAuth 2.0 and OAuth 1.0a',
    async (name, displayName) => {
      const oauth2 = await get(authorizeURL(mock().url, { redirect_uri: CALLBACK, mock_user: name }));
      expect(await oauth2.text()).toContain(`Signed in as <strong>${displayName}</strong>`);
      const token = await oauth1Token(mock());
      const oauth1 = await get(
        `${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${token}&mock_user=${name}`,
      );
      expect(await oauth1.text()).toContain(`Signed in as <strong>${displayName}</strong>`);
    },
  );

  it('gives Pat Private, who has no username, a token by nickname too', async () => {
    const res = await fetch(mock().oauth2Endpoints().userProfileURL, {
      headers: { authorization: `Bearer ${mock().issueAccessToken('pat')}` },
    });
    expect(await res.json()).toMatchObject({ display_name: 'Pat Private' });
  });
});
