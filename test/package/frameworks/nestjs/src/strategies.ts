// The two Bitbucket strategies as Nest's passport recipe writes strategies: the PassportStrategy mixin,
// options in super(), and validate() returning the user. Nest builds the verify callback with rest
// parameters, so validate() receives (accessToken, refreshToken, profile) and (token, tokenSecret, profile).
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BitbucketOAuth2Strategy, BitbucketStrategy, type BitbucketProfile } from 'passport-bitbucket-oauth';

interface MockSettings {
  clientID: string;
  clientSecret: string;
  oauth2Endpoints: Record<string, string>;
  oauth1Endpoints: Record<string, string>;
}
const mock = JSON.parse(process.env.BITBUCKET ?? '{}') as MockSettings;
export const port = Number(process.env.PORT);
const appURL = `http://127.0.0.1:${port}`;

/** What the app keeps of a Bitbucket user. */
export interface AppUser {
  id: string;
  username: string | null;
  email: string | null;
}

const toUser = (profile: BitbucketProfile): AppUser => ({
  id: profile.id,
  username: profile.username ?? null,
  email: profile.emails[0]?.value ?? null,
});

@Injectable()
export class BitbucketOAuth2 extends PassportStrategy(BitbucketOAuth2Strategy, 'bitbucket-oauth2') {
  constructor() {
    super({
      ...mock.oauth2Endpoints,
      clientID: mock.clientID,
      clientSecret: mock.clientSecret,
      callbackURL: `${appURL}/auth/oauth2/callback`,
      workspaces: ['acme'],
    });
  }

  validate(_accessToken: string, _refreshToken: string, profile: BitbucketProfile): AppUser {
    return toUser(profile);
  }
}

/**
 * The `params` form: with `callbackArity` (PassportStrategy's third argument) the verify callback gets
 * validate()'s length plus one, so passport-oauth2 passes the token response before the profile.
 */
@Injectable()
export class BitbucketOAuth2WithParams extends PassportStrategy(BitbucketOAuth2Strategy, 'bitbucket-params', true) {
  constructor() {
    super({
      ...mock.oauth2Endpoints,
      clientID: mock.clientID,
      clientSecret: mock.clientSecret,
      callbackURL: `${appURL}/auth/params/callback`,
      workspaces: ['acme'],
    });
  }

  validate(
    _accessToken: string,
    _refreshToken: string,
    params: { token_type?: string },
    profile: BitbucketProfile,
  ): AppUser & { tokenType: string | null } {
    return { ...toUser(profile), tokenType: params.token_type ?? null };
  }
}

@Injectable()
export class BitbucketOAuth1 extends PassportStrategy(BitbucketStrategy, 'bitbucket') {
  constructor() {
    super({
      ...mock.oauth1Endpoints,
      consumerKey: mock.clientID,
      consumerSecret: mock.clientSecret,
      callbackURL: `${appURL}/auth/oauth1/callback`,
      workspaces: ['acme'],
    });
  }

  validate(_token: string, _tokenSecret: string, profile: BitbucketProfile): AppUser {
    return toUser(profile);
  }
}
