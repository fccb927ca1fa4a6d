'use strict';
// The five strategies `make bench` compares, each built against the mock Bitbucket's URLs the way its
// README says, with the same verify callback. Peers get the mock's URLs in the shape their defaults have.
// BENCH_DIST: another build of this package (bench/ab.js compares two builds side by side).
const { BitbucketOAuth2Strategy, BitbucketStrategy } = require(process.env.BENCH_DIST ?? '../dist');
const PeerOAuth2 = require('passport-bitbucket-oauth2').Strategy;
const PeerOAuth20 = require('passport-bitbucket-oauth20').Strategy;
const PeerOAuth1 = require('passport-bitbucket').Strategy;

const CLIENT = { id: 'mock-client-id', secret: 'mock-client-secret' };

const verify2 = (_a, _r, profile, done) => done(null, { id: profile.id });
const verify1 = (_t, _s, profile, done) => done(null, { id: profile.id });

/** Our OAuth 2.0 strategy on the mock's Cloud URLs, with `extra` options. */
function oursOAuth2(m, callbackURL, extra = {}) {
  return new BitbucketOAuth2Strategy(
    {
      authorizationURL: `${m}/site/oauth2/authorize`,
      tokenURL: `${m}/site/oauth2/access_token`,
      userProfileURL: `${m}/2.0/user`,
      userEmailsURL: `${m}/2.0/user/emails`,
      clientID: CLIENT.id,
      clientSecret: CLIENT.secret,
      callbackURL,
      ...extra,
    },
    verify2,
  );
}

/** name → { ours, latencyOnly, build(mockURL, callbackURL) } */
const CONTENDERS = {
  'ours oauth2': { ours: true, build: (m, callbackURL) => oursOAuth2(m, callbackURL) },
  'ours oauth1': {
    ours: true,
    build: (m, callbackURL) =>
      new BitbucketStrategy(
        {
          requestTokenURL: `${m}/api/1.0/oauth/request_token/`,
          userAuthorizationURL: `${m}/api/1.0/oauth/authenticate/`,
          accessTokenURL: `${m}/api/1.0/oauth/access_token/`,
          userProfileURL: `${m}/2.0/user`,
          userEmailsURL: `${m}/2.0/user/emails`,
          consumerKey: CLIENT.id,
          consumerSecret: CLIENT.secret,
          callbackURL,
        },
        verify1,
      ),
  },
  // Like for like with the peers, which keep no CSRF state: what our state (a session write on /login, the
  // pending-login store) costs is the difference to 'ours oauth2'. Never run an app like this.
  'ours oauth2, state: false': { ours: true, build: (m, callbackURL) => oursOAuth2(m, callbackURL, { state: false }) },
  // The workspaces gate (issue 12): its call joins the user and emails calls, so the callback should stay at
  // two round trips. Latency only (warm and cold): its CPU and heap are those of 'ours oauth2' plus one call.
  'ours oauth2 + workspaces gate': {
    ours: true,
    latencyOnly: true,
    build: (m, callbackURL) =>
      oursOAuth2(m, callbackURL, { userWorkspacesURL: `${m}/2.0/user/workspaces`, workspaces: ['acme'] }),
  },
  'passport-bitbucket-oauth2': {
    build: (m, callbackURL) =>
      new PeerOAuth2(
        {
          authorizationURL: `${m}/site/oauth2/authorize`,
          tokenURL: `${m}/site/oauth2/access_token`,
          userProfileURL: `${m}/2.0/user`,
          clientID: CLIENT.id,
          clientSecret: CLIENT.secret,
          callbackURL,
        },
        verify2,
      ),
  },
  'passport-bitbucket-oauth20': {
    build: (m, callbackURL) =>
      new PeerOAuth20(
        {
          authorizationURL: `${m}/site/oauth2/authorize`,
          tokenURL: `${m}/site/oauth2/access_token`,
          userProfileURL: `${m}/2.0/user`,
          userEmailsURL: `${m}/2.0/user/emails`,
          clientID: CLIENT.id,
          clientSecret: CLIENT.secret,
          callbackURL,
        },
        verify2,
      ),
  },
  'passport-bitbucket': {
    build: (m, callbackURL) =>
      new PeerOAuth1(
        {
          requestTokenURL: `${m}/api/1.0/oauth/request_token/`,
          accessTokenURL: `${m}/api/1.0/oauth/access_token/`,
          userAuthorizationURL: `${m}/api/1.0/oauth/authenticate/`,
          // Its default is https://api.bitbucket.org/2.0/user/ (trailing slash); the emails URL is derived from it.
          userProfileURL: `${m}/2.0/user/`,
          consumerKey: CLIENT.id,
          consumerSecret: CLIENT.secret,
          callbackURL,
        },
        verify1,
      ),
  },
};

// The floor: Express + express-session + passport with a strategy that makes no call at all (the first leg
// redirects to the authorize URL, the callback succeeds at once). What a contender costs above it is its own.
const { Strategy: PassportStrategy } = require('passport');
// With `state`, it keeps a random state in the session on /login and consumes it at the callback, as any strategy
// with CSRF state does: what express-session's save, cookie and load cost, the difference between the two floors.
const { randomBytes } = require('node:crypto');
class NoCallStrategy extends PassportStrategy {
  constructor(authorizeURL, state) {
    super();
    this.authorizeURL = authorizeURL;
    this.state = state;
  }
  authenticate(req) {
    if (req.query.code) {
      if (this.state && !consumeFloorState(req)) return this.fail({ message: 'state' }, 403);
      return this.success({ id: 'floor' });
    }
    this.redirect(this.state ? withFloorState(req, this.authorizeURL) : this.authorizeURL);
  }
}
/** Keeps a new random state in the session; the authorize URL with it. */
function withFloorState(req, url) {
  req.session.floorState = randomBytes(32).toString('base64url');
  return `${url}&state=${req.session.floorState}`;
}
/** Whether the callback's state is the one kept, which is used up either way. */
function consumeFloorState(req) {
  const expected = req.session.floorState;
  delete req.session.floorState;
  return expected === req.query.state;
}
const floorURL = (m, callbackURL) =>
  `${m}/site/oauth2/authorize?response_type=code&client_id=${CLIENT.id}&redirect_uri=${encodeURIComponent(callbackURL)}`;
CONTENDERS['floor: no calls'] = {
  floor: true,
  build: (m, callbackURL) => new NoCallStrategy(floorURL(m, callbackURL)),
};
CONTENDERS['floor: no calls, state'] = {
  floor: true,
  build: (m, callbackURL) => new NoCallStrategy(floorURL(m, callbackURL), true),
};

// The floor with Bitbucket's calls: the same three calls as ours (the token, then the user and the emails in
// parallel) with Node's `http.request` on a keep-alive agent, and nothing else: no state, no check of any answer,
// no timeout. What Express, express-session, passport and Node's HTTP client cost for a two-round-trip callback: the
// bound under the warm and cold latency, and under the CPU, of any strategy that reads the same user.
const http = require('node:http');
// With `state`, it keeps and checks a random state in the session as the floor with no calls does: the least any
// strategy with CSRF state and these calls can cost.
class SameCallsStrategy extends PassportStrategy {
  constructor(m, callbackURL, state) {
    super();
    this.m = m;
    this.authorizeURL = floorURL(m, callbackURL);
    this.callbackURL = callbackURL;
    this.agent = new http.Agent({ keepAlive: true });
    this.state = state;
  }
  call(method, path, headers, body, done) {
    const req = http.request(`${this.m}${path}`, { method, headers, agent: this.agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done(null, JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', done);
    req.end(body);
  }
  authenticate(req) {
    if (!req.query.code) return this.redirect(this.state ? withFloorState(req, this.authorizeURL) : this.authorizeURL);
    if (this.state && !consumeFloorState(req)) return this.fail({ message: 'state' }, 403);
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: String(req.query.code),
      redirect_uri: this.callbackURL,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    }).toString();
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) };
    this.call('POST', '/site/oauth2/access_token', form, body, (err, token) => {
      if (err) return this.error(err);
      const bearer = { Authorization: `Bearer ${token.access_token}` };
      const answers = {};
      const read = (name, path) =>
        this.call('GET', path, bearer, undefined, (e, json) => {
          if (e) return this.error(e);
          answers[name] = json;
          if (answers.user && answers.emails)
            this.success({ id: answers.user.account_id, email: answers.emails.values[0]?.email });
        });
      read('user', '/2.0/user');
      read('emails', '/2.0/user/emails');
    });
  }
}
CONTENDERS['floor: the same calls'] = {
  floor: 'calls',
  build: (m, callbackURL) => new SameCallsStrategy(m, callbackURL),
};
CONTENDERS['floor: the same calls, state'] = {
  floor: 'calls',
  build: (m, callbackURL) => new SameCallsStrategy(m, callbackURL, true),
};

module.exports = { CONTENDERS };
