import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketOAuth2StrategyOptions,
  type BitbucketStrategyOptions,
} from 'passport-bitbucket-oauth';

const verify = (): void => undefined;
const callbackURL = 'https://app.example.com/auth/bitbucket/callback';
const cloud: BitbucketOAuth2StrategyOptions = { clientID: 'key', clientSecret: 'secret', callbackURL };
const datacenter = { ...cloud, baseURL: 'https://bitbucket.example.com' };

/** Builds an OAuth 2.0 strategy from options the type checker may refuse, as JavaScript users may pass them. */
function oauth2(options: Record<string, unknown>): BitbucketOAuth2Strategy {
  return new BitbucketOAuth2Strategy({ ...cloud, ...options }, verify);
}

describe('workspaces on Bitbucket Data Center', () => {
  it('is refused at construction by both strategies, saying it is a Cloud feature', () => {
    const message =
      'workspaces is a Bitbucket Cloud feature: Data Center (baseURL "https://bitbucket.example.com") has projects and groups instead, which this strategy does not read';
    expect(() => new BitbucketOAuth2Strategy({ ...datacenter, workspaces: ['acme'] }, verify)).toThrow(
      new TypeError(message),
    );
    const oauth1: BitbucketStrategyOptions = {
      consumerKey: 'key',
      consumerSecret: 'secret',
      signatureMethod: 'HMAC-SHA1',
      callbackURL,
      baseURL: 'https://bitbucket.example.com',
      workspaces: ['acme'],
    };
    expect(() => new BitbucketStrategy(oauth1, verify)).toThrow(new TypeError(message));
  });

  it('refuses readWorkspaces and userWorkspacesURL there too', () => {
    expect(() => oauth2({ ...datacenter, readWorkspaces: true })).toThrow(
      /^readWorkspaces is a Bitbucket Cloud feature/,
    );
    expect(() => oauth2({ ...datacenter, userWorkspacesURL: 'https://bitbucket.example.com/x' })).toThrow(
      /^userWorkspacesURL is a Bitbucket Cloud feature/,
    );
  });

  it('builds as before without them', () => {
    expect(new BitbucketOAuth2Strategy(datacenter, verify).deployment).toBe('datacenter');
  });
});

describe('the workspace options on Cloud', () => {
  it('accept slugs in any case and uuids in braces, in any case', () => {
    expect(oauth2({ workspaces: ['acme', 'Globex-2', '{5F1C6A2E-8D4B-4C3A-9E7F-0A1B2C3D4E5F}'] }).name).toBe(
      'bitbucket-oauth2',
    );
    expect(
      oauth2({ readWorkspaces: true, maxWorkspacePages: 3, userWorkspacesURL: 'https://proxy.example.com/ws' }).name,
    ).toBe('bitbucket-oauth2');
  });

  it.each([
    [
      [],
      /^workspaces must be a non-empty list of workspace slugs \("acme"\) or workspace uuids in braces \("\{…\}"\), got \[\]$/,
    ],
    ['acme', /^workspaces must be a non-empty list .*, got "acme"$/],
    [['acme', 42], /^workspaces(\[1\])? must be .*, got 42$/],
    [['a/b'], /^workspaces\[0\] must be a workspace slug \("acme"\) or a uuid in braces \("\{…\}"\), got "a\/b"$/],
    [['{not-a-uuid}'], /^workspaces\[0\] must be a workspace slug .*, got "\{not-a-uuid\}"$/],
    [
      ['5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f'],
      /^workspaces\[0\] looks like a workspace uuid without its braces, got "5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f": write "\{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f\}"$/,
    ],
  ])('refuse workspaces %j with a TypeError naming the option', (value, message) => {
    expect(() => oauth2({ workspaces: value })).toThrow(TypeError);
    expect(() => oauth2({ workspaces: value })).toThrow(message);
  });

  it('refuse a readWorkspaces that is not a boolean, and false together with workspaces', () => {
    expect(() => oauth2({ readWorkspaces: 'yes' })).toThrow(TypeError);
    expect(() => oauth2({ readWorkspaces: 'yes' })).toThrow(/^readWorkspaces must be true or false, got "yes"$/);
    expect(() => oauth2({ workspaces: ['acme'], readWorkspaces: false })).toThrow(
      new TypeError('readWorkspaces cannot be false with workspaces set: the sign-in check reads the list'),
    );
  });

  it('refuse skipUserProfile with them: skipping the profile would skip the sign-in check', () => {
    expect(() => oauth2({ workspaces: ['acme'], skipUserProfile: true })).toThrow(
      new TypeError('skipUserProfile must be false (or absent) with workspaces, which are read with the profile'),
    );
    expect(() => oauth2({ readWorkspaces: true, skipUserProfile: () => undefined })).toThrow(
      /^skipUserProfile must be false \(or absent\) with readWorkspaces/,
    );
    expect(oauth2({ workspaces: ['acme'], skipUserProfile: false }).name).toBe('bitbucket-oauth2');
  });

  it('refuse a userWorkspacesURL that is not an absolute http(s) URL, and a bad maxWorkspacePages', () => {
    expect(() => oauth2({ workspaces: ['acme'], userWorkspacesURL: '/2.0/user/workspaces' })).toThrow(
      /^userWorkspacesURL must be an absolute https URL, got "\/2\.0\/user\/workspaces"/,
    );
    expect(() => oauth2({ workspaces: ['acme'], maxWorkspacePages: 0 })).toThrow(
      /^maxWorkspacePages must be a positive integer/,
    );
  });
});
