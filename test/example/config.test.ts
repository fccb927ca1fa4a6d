/**
 * examples/login reads its settings from the environment: mock mode without credentials,
 * real Bitbucket with them, and a plain error for half-set or malformed values.
 */
import { ConfigError, readSettings } from '../../examples/login/config';

const secret = (): string => 'random-secret';

describe('readSettings', () => {
  it('runs the mock on a random port without credentials, quietly', () => {
    expect(readSettings({}, secret)).toEqual({
      mode: 'mock',
      port: 0,
      publicURL: undefined,
      sessionSecret: 'random-secret',
      oauth2: null,
      oauth1: null,
      warnings: [],
    });
  });

  it('uses real Bitbucket with credentials, on port 3000, and warns about a random session secret', () => {
    const s = readSettings(
      { BITBUCKET_CLIENT_ID: 'id', BITBUCKET_CLIENT_SECRET: 'sec', BITBUCKET_BASE_URL: 'https://bb.example.com' },
      secret,
    );
    expect(s).toMatchObject({
      mode: 'real',
      port: 3000,
      oauth2: { clientID: 'id', clientSecret: 'sec', baseURL: 'https://bb.example.com' },
      oauth1: null,
    });
    expect(s.warnings).toEqual([expect.stringContaining('SESSION_SECRET is not set')]);
  });

  it('offers OAuth 1.0a only when its consumer is configured', () => {
    const s = readSettings({
      BITBUCKET_CONSUMER_KEY: 'k',
      BITBUCKET_CONSUMER_SECRET: 's',
      SESSION_SECRET: 'x',
      PORT: '8080',
      CALLBACK_URL: 'https://app.example.com/',
    });
    expect(s).toMatchObject({
      mode: 'real',
      port: 8080,
      publicURL: 'https://app.example.com',
      sessionSecret: 'x',
      oauth2: null,
      oauth1: { consumerKey: 'k' },
      warnings: [],
    });
  });

  it.each([
    [{ BITBUCKET_CLIENT_ID: 'id' }, 'BITBUCKET_CLIENT_ID is set but BITBUCKET_CLIENT_SECRET is not'],
    [{ BITBUCKET_CONSUMER_SECRET: 's' }, 'BITBUCKET_CONSUMER_SECRET is set but BITBUCKET_CONSUMER_KEY is not'],
    [{ BITBUCKET_BASE_URL: 'https://bb.example.com' }, 'BITBUCKET_BASE_URL is set but no credentials are'],
    [{ PORT: '70000' }, 'PORT must be a number from 0 to 65535, got "70000"'],
    [{ PORT: 'http' }, 'PORT must be a number'],
    [{ CALLBACK_URL: 'app.example.com' }, 'CALLBACK_URL must be an absolute URL'],
    [{ CALLBACK_URL: 'https://app.example.com/?x=1' }, 'CALLBACK_URL must be a plain http(s) base URL'],
  ])('stops with a plain message for %j', (env, message) => {
    expect(() => readSettings(env, secret)).toThrow(ConfigError);
    expect(() => readSettings(env, secret)).toThrow(message);
  });
});
