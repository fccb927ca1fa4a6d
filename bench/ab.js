'use strict';
// `node bench/ab.js <contender>[@<dist dir>] …`: CPU per login of several contenders' apps side by side, in rounds
// that alternate between them, so that a machine's changing load hits them all alike (bench/run.js measures one
// contender after the other). `ours oauth2@/tmp/old/dist` runs our strategy from another build, to compare two
// versions. Concurrency 20 on the mock without delays; ROUNDS (20) rounds of LOGINS (100) logins per app.
// Prints the median and mean of the rounds and the ratio to the last contender named.
const { fork } = require('node:child_process');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { Browser, driverAgents } = require('./driver');
const { stats } = require('./report');

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const LOGINS = Number(process.env.LOGINS ?? 100);
const CONCURRENCY = 20;

/** A contender's app in a process of its own, from `name@dist` (dist optional). */
function startApp(spec, mockURL) {
  const [name, dist] = spec.split('@');
  const env = dist ? { ...process.env, BENCH_DIST: path.resolve(dist) } : process.env;
  const child = fork(path.join(__dirname, 'app-process.js'), [name, mockURL], { execArgv: ['--expose-gc'], env });
  const cpu = () =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m && 'cpu' in m) {
          child.off('message', on);
          resolve(m.cpu);
        }
      };
      child.on('message', on);
      child.send('usage');
    });
  return new Promise((resolve) =>
    child.once('message', ({ port }) =>
      resolve({ spec, base: `http://127.0.0.1:${port}`, agents: driverAgents(), cpu, samples: [], child }),
    ),
  );
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
    for (const app of apps) await logins(app, 200); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const app of round % 2 ? [...apps].reverse() : apps) {
        const before = await app.cpu();
        await logins(app, LOGINS);
        app.samples.push(((await app.cpu()) - before) / LOGINS / 1000);
        mock.requests.splice(0);
      }
    }
    const base = stats(apps.at(-1).samples).median;
    for (const app of apps) {
      const { median, min, max } = stats(app.samples);
      const mean = app.samples.reduce((a, b) => a + b, 0) / app.samples.length;
      console.log(
        `${app.spec.padEnd(48)} ${median.toFixed(3)} ms/login median, ${mean.toFixed(3)} mean [${min.toFixed(3)}–${max.toFixed(3)}]  ×${(median / base).toFixed(2)}`,
      );
    }
  } finally {
    for (const app of apps) await new Promise((resolve) => app.child.once('exit', resolve).send('exit'));
    await mock.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
