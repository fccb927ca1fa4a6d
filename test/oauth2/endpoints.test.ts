import { CLOUD_API_URL, CLOUD_SITE_URL, oauth1Endpoints, oauth2Endpoints } from 'passport-bitbucket-oauth';

describe('oauth2Endpoints', () => {
  it('gives Bitbucket Cloud’s documented URLs without a base URL', () => {
    expect(CLOUD_SITE_URL).toBe('https://bitbucket.org');
    expect(CLOUD_API_URL).toBe('https://api.bitbucket.org');
    expect(oauth2Endpoints()).toEqual({
      deployment: 'cloud',
      authorizationURL: 'https://bitbucket.org/site/oauth2/authorize',
      tokenURL: 'https://bitbucket.org/site/oauth2/access_token',
      userProfileURL: 'https://api.bitbucket.org/2.0/user',
      userEmailsURL: 'https://api.bitbucket.org/2.0/user/emails',
    });
  });

  it('gives Cloud’s URLs for a base URL on bitbucket.org', () => {
    expect(oauth2Endpoints('https://bitbucket.org/')).toEqual(oauth2Endpoints());
  });

  it('derives Data Center’s URLs from a base URL, trailing slashes dropped', () => {
    expect(oauth2Endpoints('https://bitbucket.example.com/context//')).toEqual({
      deployment: 'datacenter',
      authorizationURL: 'https://bitbucket.example.com/context/rest/oauth2/latest/authorize',
      tokenURL: 'https://bitbucket.example.com/context/rest/oauth2/latest/token',
      userProfileURL: 'https://bitbucket.example.com/context/plugins/servlet/applinks/whoami',
      userEmailsURL: 'https://bitbucket.example.com/context/rest/api/latest/users/',
    });
  });

  it('refuses a base URL that is not absolute http(s)', () => {
    expect(() => oauth2Endpoints('/bitbucket')).toThrow(
      new TypeError('baseURL must be an absolute https URL, got "/bitbucket"'),
    );
    expect(() => oauth2Endpoints('file:///etc/passwd')).toThrow(
      new TypeError(
        'baseURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "file:///etc/passwd"',
      ),
    );
  });
});

describe('oauth1Endpoints', () => {
  it('gives Cloud’s documented OAuth 1.0a URLs, trailing slashes included, and API 2.0 for the profile', () => {
    expect(oauth1Endpoints()).toEqual({
      deployment: 'cloud',
      requestTokenURL: 'https://bitbucket.org/api/1.0/oauth/request_token/',
      userAuthorizationURL: 'https://bitbucket.org/api/1.0/oauth/authenticate/',
      accessTokenURL: 'https://bitbucket.org/api/1.0/oauth/access_token/',
      userProfileURL: 'https://api.bitbucket.org/2.0/user',
      userEmailsURL: 'https://api.bitbucket.org/2.0/user/emails',
    });
  });

  it('gives Data Center’s application-link URLs from a base URL', () => {
    expect(oauth1Endpoints('https://bitbucket.example.com')).toEqual({
      deployment: 'datacenter',
      requestTokenURL: 'https://bitbucket.example.com/plugins/servlet/oauth/request-token',
      userAuthorizationURL: 'https://bitbucket.example.com/plugins/servlet/oauth/authorize',
      accessTokenURL: 'https://bitbucket.example.com/plugins/servlet/oauth/access-token',
      userProfileURL: 'https://bitbucket.example.com/plugins/servlet/applinks/whoami',
      userEmailsURL: 'https://bitbucket.example.com/rest/api/latest/users/',
    });
  });
});
