'use strict';
// `node bench/warm.js <contender>[@<dist dir>] …`: the warm callback (CALL_MS at Bitbucket per call, connections
// open, one login after the other) of several contenders' apps in ALTERNATING rounds, so that a machine's changing
// load hits them all alike (bench/run.js measures one contender after the other, in 5 rounds). ROUNDS (20) rounds
// of LOGINS (10) logins per app; prints the median of the rounds' medians, its quartiles, and the difference to the
// last contender named: `node bench/warm.js 'ours oauth2' 'floor: the same calls'` is what ours adds to the floor.
const { createMockBitbucket } = require('../dist/testing');
const { startAppProcess, stopAll } = require('./apps');
const { Browser, driverAgents } = require('./driver');
const { stats } = require('./report');

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const LOGINS = Number(process.env.LOGINS ?? 10);
const CALL_MS = 20;

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error("usage: node bench/warm.js 'ours oauth2' 'floor: the same calls'");
  const mock = await createMockBitbucket({ autoApprove: true });
  for (const endpoint of ['token', 'user', 'emails', 'workspaces', 'requestToken', 'accessToken']) {
    mock.setFault(endpoint, { kind: 'delay', ms: CALL_MS });
  }
  const apps = [];
  try {
    for (const spec of specs) {
      const app = await startAppProcess(spec, mock.url);
      apps.push({ ...app, browser: new Browser(app.base, driverAgents()), rounds: [] });
    }
    // Connections opened and code compiled before the first figure.
    for (const app of apps) for (let i = 0; i < 40; i++) await app.browser.login();
    for (let round = 0; round < ROUNDS; round++) {
      for (const app of round % 2 ? [...apps].reverse() : apps) {
        const times = [];
        for (let i = 0; i < LOGINS; i++) times.push(await app.browser.login());
        app.rounds.push(stats(times).median);
        mock.requests.splice(0);
      }
    }
    const base = stats(apps.at(-1).rounds).median;
    console.log(
      `${'contender'.padEnd(48)} warm callback, median of ${ROUNDS} rounds (quartiles)   vs ${apps.at(-1).spec}`,
    );
    for (const { spec, rounds } of apps) {
      const sorted = [...rounds].sort((a, b) => a - b);
      const at = (q) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(2);
      const ms = stats(rounds).median;
      const diff = `${ms >= base ? '+' : ''}${(ms - base).toFixed(2)} ms`;
      console.log(`${spec.padEnd(48)} ${ms.toFixed(2)} ms (${at(0.25)}–${at(0.75)})`.padEnd(96) + diff);
    }
  } finally {
    await stopAll(apps, mock);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
