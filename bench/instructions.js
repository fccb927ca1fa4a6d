'use strict';
// `node bench/instructions.js <contender>[@<dist dir>] …`: instructions per login of each contender's app, counted by
// valgrind's cachegrind (`apt-get install valgrind`), which the machine's other work does not change, unlike CPU
// time. Each app runs under valgrind twice, in fresh processes: WARMUP (500) logins, then WARMUP + LOGINS (600); the
// difference divided by LOGINS is the figure (every thread: the app's JavaScript, V8's compilers and garbage
// collector). About two minutes per contender on two cores; the mock and the browsers run outside valgrind.
const { spawn } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { Browser, driverAgents } = require('./driver');

const WARMUP = Number(process.env.WARMUP ?? 500);
const LOGINS = Number(process.env.LOGINS ?? 600);

/** The instructions one app process of `spec` ran, start-up and exit included, for `logins` logins. */
async function instructionsFor(spec, mockURL, logins) {
  const [name, dist] = spec.split('@');
  const out = path.join(tmpdir(), `bench-cachegrind-${process.pid}-${Date.now()}`);
  const env = dist ? { ...process.env, BENCH_DIST: path.resolve(dist) } : process.env;
  const child = spawn(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      // V8 writes the code it compiles into memory: valgrind must notice, or it runs stale translations.
      '--smc-check=all-non-file',
      `--cachegrind-out-file=${out}`,
      process.execPath,
      '--expose-gc',
      path.join(__dirname, 'app-process.js'),
      name,
      mockURL,
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await Promise.race([
    new Promise((resolve) => child.once('message', (m) => resolve(m.port))),
    exited.then(() => {
      throw new Error(`${spec}: valgrind exited before the app listened (is valgrind installed?)\n${stderr}`);
    }),
  ]);
  const agents = driverAgents();
  const base = `http://127.0.0.1:${port}`;
  let left = logins;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      const browser = new Browser(base, agents);
      while (left-- > 0) await browser.login();
    }),
  );
  child.send('exit');
  await exited;
  try {
    const summary = /^summary: (\d+)/m.exec(readFileSync(out, 'utf8'));
    if (!summary) throw new Error(`${spec}: no summary in cachegrind's output`);
    return Number(summary[1]);
  } finally {
    rmSync(out, { force: true });
  }
}

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: node bench/instructions.js <contender>[@<dist dir>] …');
  const mock = await createMockBitbucket({ autoApprove: true });
  try {
    const rows = [];
    for (const spec of specs) {
      const base = await instructionsFor(spec, mock.url, WARMUP);
      const more = await instructionsFor(spec, mock.url, WARMUP + LOGINS);
      rows.push({ spec, perLogin: (more - base) / LOGINS });
      mock.requests.splice(0);
    }
    const last = rows.at(-1).perLogin;
    for (const { spec, perLogin } of rows) {
      console.log(
        `${spec.padEnd(48)} ${(perLogin / 1e6).toFixed(2)} M instructions/login  ×${(perLogin / last).toFixed(2)}`,
      );
    }
  } finally {
    await mock.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
