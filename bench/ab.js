'use strict';
// `node bench/ab.js <contender>[@<dist dir>] …`: CPU per login of several contenders' apps side by side, in rounds
// that alternate between them, so that a machine's changing load hits them all alike (bench/run.js measures one
// contender after the other). `ours oauth2@/tmp/old/dist` runs our strategy from another build, to compare two
// versions. Concurrency 20 on the mock without delays; WARMUP (200) logins, then ROUNDS (20) rounds of LOGINS (100)
// logins per app.
// Prints the median and mean of the rounds and the ratio to the last contender named; SAMPLES=1 every round's. On
// Linux also the main thread's CPU alone (the rest is V8's helper threads: garbage collection and compilation).
const { createMockBitbucket } = require('../dist/testing');
const { startAppProcess, stopAll } = require('./apps');
const { Browser, driverAgents } = require('./driver');
const { stats } = require('./report');

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const LOGINS = Number(process.env.LOGINS ?? 100);
// Logins before the first round: 200 as in make bench; thousands to see the CPU once V8 has compiled the hot code.
const WARMUP = Number(process.env.WARMUP ?? 200);
const CONCURRENCY = 20;

/** A contender's app, with the driver's agents and its samples. */
async function startApp(spec, mockURL) {
  const app = await startAppProcess(spec, mockURL);
  return { ...app, cpu: app.usage, agents: driverAgents(), samples: [], main: [] };
}

async function logins(app, total) {
  let left = total;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const browser = new Browser(app.base, app.agents);
      while (left-- > 0) await browser.login();
    }),
  );
}

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: node bench/ab.js <contender>[@<dist dir>] …');
  const mock = await createMockBitbucket({ autoApprove: true });
  const apps = [];
  try {
    for (const spec of specs) apps.push(await startApp(spec, mock.url));
    for (const app of apps) await logins(app, WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const app of round % 2 ? [...apps].reverse() : apps) {
        const before = await app.cpu();
        await logins(app, LOGINS);
        const after = await app.cpu();
        app.samples.push((after.cpu - before.cpu) / LOGINS / 1000);
        if (after.main !== null) app.main.push((after.main - before.main) / LOGINS / 1000);
        mock.requests.splice(0);
      }
    }
    // SAMPLES=1: every round's figure too (the first rounds of a fresh process run while V8 still compiles).
    if (process.env.SAMPLES)
      for (const app of apps) console.log(app.spec, app.samples.map((x) => x.toFixed(2)).join(' '));
    const base = stats(apps.at(-1).samples).median;
    const average = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const baseMain = apps.at(-1).main.length > 0 ? average(apps.at(-1).main) : null;
    for (const app of apps) {
      const { median, min, max } = stats(app.samples);
      const mean = average(app.samples);
      // The main thread's CPU comes in 10 ms ticks: its mean over all rounds, not a median of coarse rounds.
      const main =
        baseMain === null || app.main.length === 0
          ? ''
          : `; main thread ${average(app.main).toFixed(3)} mean ×${(average(app.main) / baseMain).toFixed(2)}, helper threads ${(mean - average(app.main)).toFixed(3)}`;
      console.log(
        `${app.spec.padEnd(48)} ${median.toFixed(3)} ms/login median, ${mean.toFixed(3)} mean [${min.toFixed(3)}–${max.toFixed(3)}]  ×${(median / base).toFixed(2)}${main}`,
      );
    }
  } finally {
    await stopAll(apps, mock);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
