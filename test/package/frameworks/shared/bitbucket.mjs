// The two Bitbucket strategies every app of the matrix signs in with, as the README builds them, pointed at
// the mock Bitbucket the test runs (its endpoints and consumer come in BITBUCKET, the app's port in PORT).
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';

const { clientID, clientSecret, oauth2Endpoints, oauth1Endpoints } = JSON.parse(process.env.BITBUCKET ?? '{}');
export const port = Number(process.env.PORT);
const appURL = `http://127.0.0.1:${port}`;

/** What the apps keep of a Bitbucket user: the session holds this object as it is. */
const verify = (_token, _tokenSecret, profile, done) =>
  done(null, { id: profile.id, username: profile.username ?? null, email: profile.emails[0]?.value ?? null });

/** Route prefix → the strategy's passport name. */
export const ROUTES = { oauth2: 'bitbucket-oauth2', oauth1: 'bitbucket' };

export const oauth2Strategy = () =>
  new BitbucketOAuth2Strategy(
    {
      ...oauth2Endpoints,
      clientID,
      clientSecret,
      callbackURL: `${appURL}/auth/oauth2/callback`,
      workspaces: ['acme'],
    },
    verify,
  );

export const oauth1Strategy = () =>
  new BitbucketStrategy(
    {
      ...oauth1Endpoints,
      consumerKey: clientID,
      consumerSecret: clientSecret,
      callbackURL: `${appURL}/auth/oauth1/callback`,
      workspaces: ['acme'],
    },
    verify,
  );
