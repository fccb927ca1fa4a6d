/**
 * Two strategy instances in one app (issue 18): two OAuth 2.0 consumers on the same Bitbucket, registered under
 * two passport names, both with the default strategy `name`. Each keeps its own pending sign-ins: a state one
 * issued is refused at the other's callback before any token request, so one consumer's code never reaches
 * the token endpoint with the other's credentials.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { guardProcess } from '../support/process-guard';
import { requestsTo } from '../oauth2/helpers';

guardProcess();

const OTHER_CLIENT = {
  clientId: 'other-client-id',
  clientSecret: 'other-client-secret',
  callbackURL: 'http://127.0.0.1:',
};

let mock: MockBitbucket;
let server: http.Server;
let url = '';

beforeAll(async () => {
  mock = await createMockBitbucket({ autoApprove: true, clients: [{ ...DEFAULT_CLIENT }, OTHER_CLIENT] });
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  for (const name of ['a', 'b']) {
    app.get(`/${name}/login`, passport.authenticate(name));
    app.get(`/${name}/callback`, passport.authenticate(name, { failureRedirect: '/failed' }), (req, res) => {
      res.json({ user: req.user });
    });
  }
  server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [name, client] of [
    ['a', DEFAULT_CLIENT],
    ['b', OTHER_CLIENT],
  ] as const) {
    const options = { ...mock.oauth2Endpoints(), clientID: client.clientId, clientSecret: client.clientSecret };
    const strategy = new BitbucketOAuth2Strategy(
      { ...options, callbackURL: `${url}/${name}/callback` },
      (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id }),
    );
    passport.use(name, strategy);
  }
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await mock.close();
});

/** The callback's query string of a sign-in started at `/<name>/login`. */
async function grantFor(browser: request.Agent, name: string): Promise<string> {
  const start = await browser.get(`/${name}/login`);
  const back = await fetch(String(start.headers.location), { redirect: 'manual' });
  return new URL(back.headers.get('location') ?? '').search;
}

describe('two OAuth 2.0 strategies for two consumers on one Bitbucket', () => {
  it('each signs in through its own callback', async () => {
    const browser = request.agent(url);
    for (const name of ['a', 'b']) {
      const done = await browser.get(`/${name}/callback${await grantFor(browser, name)}`);
      expect(done.body.user).toHaveProperty('id');
    }
  });

  it("refuses A's state at B's callback before asking the token endpoint", async () => {
    const browser = request.agent(url);
    const query = await grantFor(browser, 'a');
    mock.requests.splice(0);
    const crossed = await browser.get(`/b/callback${query}`);
    expect(crossed.headers.location).toBe('/failed');
    expect(requestsTo(mock, 'token')).toEqual([]);
    // A's own sign-in is untouched and still finishes.
    expect((await browser.get(`/a/callback${query}`)).body.user).toHaveProperty('id');
  });
});
