'use strict';
// `make bench`: whole logins through the same Express + express-session app, on the same mock Bitbucket, for our
// two strategies and the peers (passport-bitbucket-oauth2, passport-bitbucket-oauth20, passport-bitbucket).
// Each contender's app runs in a process of its own (bench/app-process.js); the mock and the browsers run here.
//   warm callback   20 ms per Bitbucket call, connections already open: latency and implied round trips
//   cold callback   a fresh process, 1 s between /login and the callback, 40 ms per new connection
//   load            concurrency 20, on a second mock without delays (the figures are the app's, not the wait's):
//                   CPU per login (the app's process.cpuUsage), logins/s, new connections per login
//   heap            heapUsed growth after forced GC, from after 200 warm-up logins to the end of the load rounds,
//                   and (ours only) to HEAP_LOGINS logins
// Figures are medians of rounds with min–max; the table goes to stdout and bench/results.json.
// BENCH_QUICK=1 runs fewer logins (for trying the bench out, not for the README).
const http = require('node:http');
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { startAppProcess } = require('./apps');
const { CONTENDERS } = require('./contenders');
const { Browser, driverAgents, get } = require('./driver');
const { renderTable, stats } = require('./report');

const QUICK = process.env.BENCH_QUICK === '1';
const CALL_MS = 20;
const CONNECT_MS = 40;
const COLD_ROUNDS = QUICK ? 1 : 3;
const WARM_ROUNDS = QUICK ? 2 : 5;
const WARM_LOGINS = 10;
const LOAD_ROUNDS = 3;
const LOAD_LOGINS = QUICK ? 300 : 700;
const CONCURRENCY = 20;
const HEAP_LOGINS = QUICK ? 1000 : 10_000;
// BENCH_ONLY='ours oauth2|passport-bitbucket-oauth2': those contenders only (the README's table is the full run's).
const ONLY = process.env.BENCH_ONLY?.split('|').map((name) => name.trim());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A contender's app in a process of its own, with `cpu()`: its CPU so far in µs. */
async function startApp(name, mockURL) {
  const app = await startAppProcess(name, mockURL);
  return { ...app, cpu: async () => (await app.usage()).cpu };
}

/** CALL_MS on every call a login makes to Bitbucket (the mock answers at once otherwise). */
function delayEveryCall(mock) {
  for (const endpoint of ['token', 'user', 'emails', 'workspaces', 'requestToken', 'accessToken']) {
    mock.setFault(endpoint, { kind: 'delay', ms: CALL_MS });
  }
}

/**
 * What one call to the delayed mock really takes, from a client with an open connection: CALL_MS, plus the
 * timer's lateness (a 20 ms timer fires after 20–21 ms) and the mock's own work. The callback's two round trips
 * are two of these, so "warm ms over 2 RT" is what the app adds, net of the bench's own Bitbucket.
 */
async function measuredRoundTrip(mock) {
  const agent = new http.Agent({ keepAlive: true });
  const times = [];
  try {
    for (let i = 0; i < 45; i++) {
      const started = process.hrtime.bigint();
      // An unauthenticated read: the delay applies before the mock looks at the token.
      await get(`${mock.url}/2.0/user`, agent);
      if (i >= 5) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  return stats(times);
}

/**
 * Logins through both mocks before any figure is taken: the mocks and the browsers run in this process, and the
 * first contender measured would otherwise pay for their code being compiled (its warm and load figures came out
 * 5–40 % worse than the same strategy's measured later).
 */
async function warmUpBench(name, mock, fast) {
  for (const target of [mock, fast]) {
    const app = await startApp(name, target.url);
    try {
      await loadRound(app, driverAgents(), target === mock ? 40 : 300, CONCURRENCY);
    } finally {
      await app.stop();
    }
  }
}

/** Runs `total` logins with `concurrency` browsers, each keeping its cookie. */
async function loadRound(app, agents, total, concurrency) {
  let left = total;
  const browsers = Array.from({ length: concurrency }, () => new Browser(app.base, agents));
  await Promise.all(
    browsers.map(async (b) => {
      while (left-- > 0) await b.login();
    }),
  );
}

/**
 * Concurrency 20 on the mock without delays (`fast`), in a process of its own: CPU per login, logins/s and new
 * connections per login over LOAD_ROUNDS rounds, then heap growth (forced GC) from after the warm-up to HEAP_LOGINS.
 */
async function load(name, fast) {
  const app = await startApp(name, fast.url);
  try {
    const agents = driverAgents();
    await loadRound(app, agents, 200, CONCURRENCY);
    const heapBefore = await app.heap();
    let logins = 0;
    const cpu = [];
    const rate = [];
    const connections = [];
    for (let round = 0; round < LOAD_ROUNDS; round++) {
      const cpu0 = await app.cpu();
      const conn0 = fast.connectionCount - agents.counted.mockConnections;
      const t0 = process.hrtime.bigint();
      await loadRound(app, agents, LOAD_LOGINS, CONCURRENCY);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      cpu.push(((await app.cpu()) - cpu0) / LOAD_LOGINS / 1000);
      rate.push(LOAD_LOGINS / seconds);
      connections.push((fast.connectionCount - agents.counted.mockConnections - conn0) / LOAD_LOGINS);
      logins += LOAD_LOGINS;
    }
    const figures = {
      cpuMsPerLogin: stats(cpu),
      loginsPerSecond: stats(rate),
      newConnectionsPerLogin: stats(connections),
      heapGrowthKB: Math.round(((await app.heap()) - heapBefore) / 1024),
    };
    // NOTE: 10,000 logins for each of five contenders do not fit in three minutes on two cores: the long run is
    // ours only (the target is no growth at all), the comparison is the heap after the load rounds.
    if (CONTENDERS[name].ours && HEAP_LOGINS > logins) {
      await loadRound(app, agents, HEAP_LOGINS - logins, CONCURRENCY);
      figures.heapGrowthLongKB = Math.round(((await app.heap()) - heapBefore) / 1024);
    }
    return figures;
  } finally {
    await app.stop();
  }
}

/** Every figure of one contender; `failed` says why it could not sign in on the mock. */
async function measure(name, mock, fast, roundTrip) {
  const { ours, latencyOnly } = CONTENDERS[name];
  const result = { name, ours: Boolean(ours), latencyOnly: Boolean(latencyOnly) };
  try {
    // Cold: a fresh process, the user 1 s on the consent page, then the callback.
    const cold = [];
    const coldConnections = [];
    for (let round = 0; round < COLD_ROUNDS; round++) {
      const app = await startApp(name, mock.url);
      try {
        const browser = new Browser(app.base, driverAgents());
        const callbackURL = await browser.firstLeg(() => sleep(1000));
        const before = mock.connectionCount;
        cold.push(await browser.callback(callbackURL));
        coldConnections.push(mock.connectionCount - before);
      } finally {
        await app.stop();
      }
    }
    result.coldMs = stats(cold);
    result.coldConnections = stats(coldConnections);
    // The same first callback of a fresh process on the mock without delays: what compiling and loading the
    // code on first use costs, which the network part of the cold figure is net of.
    const firstRun = [];
    for (let round = 0; round < COLD_ROUNDS; round++) {
      const app = await startApp(name, fast.url);
      try {
        const browser = new Browser(app.base, driverAgents());
        firstRun.push(await browser.callback(await browser.firstLeg(() => sleep(50))));
      } finally {
        await app.stop();
      }
    }
    result.firstRunMs = stats(firstRun);
    result.coldRoundTrips = stats(cold.map((ms) => (ms - result.firstRunMs.median) / CALL_MS));
    result.coldOverMs = stats(cold.map((ms) => ms - 2 * roundTrip.median));

    // Warm: one browser, one login after the other, connections already open.
    const app = await startApp(name, mock.url);
    try {
      const browser = new Browser(app.base, driverAgents());
      for (let i = 0; i < 20; i++) await browser.login();
      const warm = [];
      for (let round = 0; round < WARM_ROUNDS; round++) {
        const times = [];
        for (let i = 0; i < WARM_LOGINS; i++) times.push(await browser.login());
        warm.push(stats(times).median);
      }
      result.warmMs = stats(warm);
      result.warmRoundTrips = stats(warm.map((ms) => ms / CALL_MS));
      result.warmOverMs = stats(warm.map((ms) => ms - 2 * roundTrip.median));
    } finally {
      await app.stop();
    }
    if (!CONTENDERS[name].latencyOnly) Object.assign(result, await load(name, fast));
  } catch (err) {
    result.failed = err.message.replace(/\s+/g, ' ').slice(0, 160);
  }
  return result;
}

async function main() {
  const started = Date.now();
  const mock = await createMockBitbucket({ autoApprove: true, connectDelayMs: CONNECT_MS });
  delayEveryCall(mock);
  const fast = await createMockBitbucket({ autoApprove: true });
  const results = [];
  await warmUpBench(ONLY?.[0] ?? Object.keys(CONTENDERS)[0], mock, fast);
  const roundTrip = await measuredRoundTrip(mock);
  try {
    for (const name of Object.keys(CONTENDERS)) {
      // The floors that make no call have no latency to compare, only CPU (`node bench/ab.js 'floor: no calls' …`).
      if (CONTENDERS[name].floor === true) continue;
      if (ONLY && !ONLY.includes(name)) continue;
      process.stderr.write(`bench: ${name}…\n`);
      results.push(await measure(name, mock, fast, roundTrip));
      mock.requests.splice(0);
      fast.requests.splice(0);
    }
  } finally {
    await mock.close();
    await fast.close();
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const settings = {
    CALL_MS,
    CONNECT_MS,
    COLD_ROUNDS,
    WARM_ROUNDS,
    WARM_LOGINS,
    LOAD_ROUNDS,
    LOAD_LOGINS,
    CONCURRENCY,
    HEAP_LOGINS,
  };
  const table = renderTable(results, { callMs: CALL_MS, roundTripMs: roundTrip.median });
  console.log(table);
  console.log(
    `\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  writeFileSync(
    path.join(__dirname, 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine, settings, roundTrip, results, table }, null, 2)}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
