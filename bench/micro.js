'use strict';
// `make bench`: what this package costs, as ratios to baselines measured in the same run.
//   1. parsing a Cloud user + emails into a profile  vs  JSON.parse of the same bodies
//   2. signing an OAuth 1.0a request                 vs  one raw HMAC-SHA1 of a base string
//   3. a whole OAuth 2.0 login through Express        vs  the same login with bare passport-oauth2
//      (both against the mock Bitbucket on 127.0.0.1; ours also reads /2.0/user and the emails)
const { createHmac } = require('node:crypto');
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const PassportOAuth2 = require('passport-oauth2');
const request = require('supertest');
const { BitbucketOAuth2Strategy, parseCloudProfile, parseEmailsPage } = require('../dist');
const { authorizationHeader } = require('../dist/oauth1/signature');
const { createMockBitbucket, DEFAULT_CLIENT } = require('../dist/testing');
const { medianNsPerCall, medianNsPerCallSync, format } = require('./measure');

const USER = JSON.stringify({
  username: 'jdoe',
  display_name: 'Jane Doe',
  has_2fa_enabled: null,
  nickname: 'Jane Doe',
  account_id: '5c65cab48bcc9e016aeece31',
  uuid: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
  type: 'user',
  links: { html: { href: 'https://bitbucket.org/%7B768f%7D/' }, avatar: { href: 'https://avatar.example/128' } },
});
const EMAILS = JSON.stringify({
  pagelen: 10,
  page: 1,
  size: 3,
  values: [1, 2, 3].map((i) => ({
    is_primary: i === 2,
    is_confirmed: i !== 3,
    type: 'email',
    email: `u${i}@example.com`,
  })),
});

function report(name, ours, baseline, baselineName) {
  const ratio = ours / baseline;
  console.log(
    `${name.padEnd(34)} ${format(ours).padStart(10)}   ${baselineName}: ${format(baseline).padStart(10)}   ratio ${ratio.toFixed(2)}`,
  );
  return ratio;
}

function appWith(strategy, name) {
  const passport = new Passport();
  passport.use(name, strategy);
  passport.serializeUser((u, d) => d(null, u));
  passport.deserializeUser((u, d) => d(null, u));
  const app = express();
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/login', passport.authenticate(name));
  app.get('/callback', passport.authenticate(name, { failureRedirect: '/failed' }), (req, res) => res.send('ok'));
  const server = app.listen(0, '127.0.0.1');
  return new Promise((resolve) => server.once('listening', () => resolve(server)));
}

async function loginOnce(base) {
  const agent = request.agent(base);
  const start = await agent.get('/login');
  const back = await request(start.headers.location).get('');
  const url = new URL(back.headers.location);
  const done = await agent.get(url.pathname + url.search);
  if (done.status !== 200) throw new Error(`login failed: ${done.status} ${done.text.slice(0, 200)}`);
}

async function main() {
  const results = {};
  results.parse = report(
    'parse user + emails → profile',
    medianNsPerCallSync(() =>
      parseCloudProfile({ user: JSON.parse(USER), raw: USER, emails: parseEmailsPage(JSON.parse(EMAILS)).emails }),
    ),
    medianNsPerCallSync(() => {
      JSON.parse(USER);
      JSON.parse(EMAILS);
    }),
    'JSON.parse',
  );

  const credentials = { consumerKey: 'key', consumerSecret: 'secret', signatureMethod: 'HMAC-SHA1' };
  const url = 'https://api.bitbucket.org/2.0/user/emails?page=2';
  results.sign = report(
    'sign an OAuth 1.0a request',
    medianNsPerCallSync(() => authorizationHeader({ method: 'GET', url, credentials, token: 't', tokenSecret: 's' })),
    medianNsPerCallSync(() =>
      createHmac('sha1', 'secret&s')
        .update(`GET&${encodeURIComponent(url)}&oauth_consumer_key%3Dkey`)
        .digest('base64'),
    ),
    'raw HMAC',
  );

  const mock = await createMockBitbucket({ autoApprove: true });
  const endpoints = mock.oauth2Endpoints();
  const common = {
    clientID: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    callbackURL: '/callback',
  };
  const ours = await appWith(
    new BitbucketOAuth2Strategy({ ...endpoints, ...common }, (a, r, p, done) => done(null, { id: p.id })),
    'ours',
  );
  const bare = await appWith(
    new PassportOAuth2(
      { ...common, authorizationURL: endpoints.authorizationURL, tokenURL: endpoints.tokenURL, state: true },
      (a, r, p, done) => done(null, { id: 'x' }),
    ),
    'bare',
  );
  const base = (server) => `http://127.0.0.1:${server.address().port}`;
  const options = { samples: 9, iterations: 20, warmup: 1 };
  results.login = report(
    'OAuth 2.0 login (3 redirects)',
    await medianNsPerCall(() => loginOnce(base(ours)), options),
    await medianNsPerCall(() => loginOnce(base(bare)), options),
    'bare passport-oauth2',
  );
  await Promise.all(
    [ours, bare].map(
      (s) =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(r);
        }),
    ),
  );
  await mock.close();
  console.log(
    `\nmedian ratios: parse ${results.parse.toFixed(2)}, sign ${results.sign.toFixed(2)}, login ${results.login.toFixed(2)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
