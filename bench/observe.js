'use strict';
// What the observability of issue 15 costs per login, with nobody listening and with one subscriber.
//   1. the instrumentation alone: one login's worth of hooks (the redirect and the callback watched, one token
//      request and two REST calls traced) around calls that do nothing, minus the same calls unwrapped;
//   2. a whole OAuth 2.0 login through Express against the mock: CPU time of this process per login with no
//      subscriber, with a no-op subscriber on each of the three channels, and with DEBUG on as well
//      (lines written nowhere). Rounds alternate between the modes so that drift hits them alike.
// Needs dist/ (`make build`). Run: node bench/observe.js
const dc = require('node:diagnostics_channel');
const http = require('node:http');
const createDebug = require('debug');
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const request = require('supertest');
const { BitbucketOAuth2Strategy } = require('../dist');
const { observeLogin } = require('../dist/observe/login');
const { traceAPICall, traceToken } = require('../dist/observe/trace-calls');
const { createMockBitbucket, DEFAULT_CLIENT } = require('../dist/testing');
const { medianNsPerCall, format } = require('./measure');

const noop = () => {};
const TRACING = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };

/** Subscribes a no-op to every channel of the package; returns the unsubscribe. */
function subscribeAll() {
  const token = dc.tracingChannel('passport-bitbucket-oauth:token');
  const api = dc.tracingChannel('passport-bitbucket-oauth:api');
  token.subscribe(TRACING);
  api.subscribe(TRACING);
  dc.subscribe('passport-bitbucket-oauth:login', noop);
  return () => {
    token.unsubscribe(TRACING);
    api.unsubscribe(TRACING);
    dc.unsubscribe('passport-bitbucket-oauth:login', noop);
  };
}

/** One login's worth of hooked calls around calls that do nothing (`hooked: false`: the bare calls). */
const strategy = {
  name: 'bitbucket-oauth2',
  deployment: 'cloud',
  redirect: noop,
  success: noop,
  fail: noop,
  error: noop,
  userProfile: (_token, done) => done(null, { id: '{u}', deployment: 'cloud', emails: [] }),
};
const trace = { strategy: 'bitbucket-oauth2', deployment: 'cloud' };
const TOKEN = { scopes: ['account'], expiresIn: 7200, refreshToken: 'r' };
const summary = (t) => ({ scopes: t.scopes, expiresIn: t.expiresIn, refreshToken: true });
const call = {
  trace,
  protocol: 'oauth2',
  grant: 'authorization_code',
  url: 'https://bitbucket.org/site/oauth2/access_token',
};
const firstLeg = { query: {} };
const callback = { query: { code: 'c', state: 's' } };

async function oneLogin(hooked) {
  const first = Object.create(strategy);
  if (hooked) observeLogin(first, firstLeg, 'oauth2', null);
  first.redirect('https://bitbucket.org/site/oauth2/authorize?client_id=x');
  const back = Object.create(strategy);
  if (hooked) observeLogin(back, callback, 'oauth2', null);
  const run = () => Promise.resolve(TOKEN);
  await (hooked ? traceToken(call, run, summary) : run());
  const get = () => Promise.resolve({ status: 200 });
  await Promise.all(
    ['https://api.bitbucket.org/2.0/user', 'https://api.bitbucket.org/2.0/user/emails'].map((url) =>
      hooked ? traceAPICall(trace, url, get) : get(),
    ),
  );
  back.userProfile('t', noop);
  back.success({ id: 'u' });
}

async function instrumentation() {
  const options = { samples: 21, iterations: 20000, warmup: 3 };
  const bare = await medianNsPerCall(() => oneLogin(false), options);
  const quiet = await medianNsPerCall(() => oneLogin(true), options);
  const unsubscribe = subscribeAll();
  const listened = await medianNsPerCall(() => oneLogin(true), options);
  createDebug.log = noop;
  createDebug.enable('passport-bitbucket-oauth*');
  const logging = await medianNsPerCall(() => oneLogin(true), options);
  createDebug.disable();
  unsubscribe();
  return { bare, quiet: quiet - bare, listened: listened - bare, logging: logging - bare };
}

/** An Express app around one strategy, on a port known before the strategy is built (its callback URL). */
async function startApp() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { server, base };
}

async function wholeLogins() {
  const mock = await createMockBitbucket({ autoApprove: true });
  const { server, base } = await startApp();
  const passport = new Passport();
  passport.use(
    'ours',
    new BitbucketOAuth2Strategy(
      {
        ...mock.oauth2Endpoints(),
        clientID: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
        callbackURL: `${base}/callback`,
      },
      (a, r, p, done) => done(null, { id: p.id }),
    ),
  );
  passport.serializeUser((u, d) => d(null, u));
  const app = express();
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/login', passport.authenticate('ours'));
  app.get('/callback', passport.authenticate('ours', { failureRedirect: '/failed' }), (req, res) => res.send('ok'));
  server.on('request', app);

  async function loginOnce() {
    const agent = request.agent(base);
    const start = await agent.get('/login');
    const back = await request(start.headers.location).get('');
    const url = new URL(back.headers.location);
    const done = await agent.get(url.pathname + url.search);
    if (done.status !== 200) throw new Error(`login failed: ${done.status}`);
  }
  const modes = {
    'no subscriber': { on: () => noop },
    'one subscriber per channel': { on: subscribeAll },
    'subscribers + DEBUG': {
      on: () => {
        const off = subscribeAll();
        createDebug.log = noop;
        createDebug.enable('passport-bitbucket-oauth*');
        return () => {
          off();
          createDebug.disable();
        };
      },
    },
  };
  const perLogin = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  const LOGINS = 150;
  for (let i = 0; i < 20; i++) await loginOnce(); // warm-up
  for (let round = 0; round < 7; round++) {
    for (const [name, mode] of Object.entries(modes)) {
      const off = mode.on();
      const cpu = process.cpuUsage();
      for (let i = 0; i < LOGINS; i++) await loginOnce();
      const used = process.cpuUsage(cpu);
      off();
      perLogin[name].push(((used.user + used.system) * 1000) / LOGINS);
    }
  }
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await mock.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(
    Object.entries(perLogin).map(([m, xs]) => [m, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }]),
  );
}

async function main() {
  const hooks = await instrumentation();
  console.log('Observability (issue 15): cost per login');
  console.log(
    `  hooks alone, nobody listening        ${format(hooks.quiet).padStart(10)}   (bare calls: ${format(hooks.bare)})`,
  );
  console.log(`  hooks alone, one subscriber each     ${format(hooks.listened).padStart(10)}`);
  console.log(`  hooks alone, subscribers + DEBUG     ${format(hooks.logging).padStart(10)}   (lines written nowhere)`);
  const whole = await wholeLogins();
  console.log('  whole OAuth 2.0 login, CPU of the process (app + mock + client), median of 7 rounds [min–max]:');
  for (const [mode, { median, min, max }] of Object.entries(whole)) {
    console.log(`    ${mode.padEnd(30)} ${format(median).padStart(10)}   [${format(min)} – ${format(max)}]`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
