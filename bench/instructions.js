'use strict';
// `node bench/instructions.js <contender>[@<dist dir>] …`: instructions per login of each contender's app, counted by
// valgrind's callgrind (`apt-get install valgrind`), which the machine's other work does not change, unlike CPU
// time. Each app runs under valgrind with counting off for WARMUP (2000) logins, then counts LOGINS (1000) logins
// in the same process (`callgrind_control`): every thread, the app's JavaScript, V8's compilers and garbage
// collector. ROUNDS (2) rounds take the contenders in turn; the median of the rounds is printed. About four minutes
// per contender and round on two cores; the mock and the browsers run outside valgrind.
// NOTE: one process, counted from the middle. The difference between two processes run to different lengths (the
// way this used to count) gave the same build 3.91 M and, another day, 2.74 M per login after 3,000 logins: V8
// compiles and collects at different moments in each process, and the whole of both runs was in the difference.
const { execFileSync, spawn } = require('node:child_process');
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { Browser, driverAgents } = require('./driver');

const WARMUP = Number(process.env.WARMUP ?? 2000);
const LOGINS = Number(process.env.LOGINS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

/** Runs `count` logins on the app at `base`, 20 browsers at a time. */
async function logins(base, agents, count) {
  let left = count;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      const browser = new Browser(base, agents);
      while (left-- > 0) await browser.login();
    }),
  );
}

/** The instructions per login of one app process of `spec`, counted over LOGINS logins after WARMUP. */
async function instructionsPerLogin(spec, mockURL) {
  const [name, dist] = spec.split('@');
  const prefix = `bench-callgrind-${process.pid}-${Date.now()}`;
  const env = dist ? { ...process.env, BENCH_DIST: path.resolve(dist) } : process.env;
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes the code it compiles into memory: valgrind must notice, or it runs stale translations.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${path.join(tmpdir(), prefix)}.%p`,
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
  await logins(base, agents, WARMUP);
  execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
  await logins(base, agents, LOGINS);
  execFileSync('callgrind_control', ['--dump', String(child.pid)], { stdio: 'ignore' });
  child.send('exit');
  await exited;
  let counted = null;
  for (const file of readdirSync(tmpdir()).filter((f) => f.startsWith(prefix))) {
    const text = readFileSync(path.join(tmpdir(), file), 'utf8');
    // The dump asked for (`.<pid>.1`) holds the window; the one written at exit holds what ran after it.
    const total = /^(?:summary|totals): (\d+)/m.exec(text);
    if (file.endsWith('.1') && total) counted = Number(total[1]);
    rmSync(path.join(tmpdir(), file), { force: true });
  }
  if (counted === null) throw new Error(`${spec}: no counts in callgrind's dump`);
  return counted / LOGINS;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: node bench/instructions.js <contender>[@<dist dir>] …');
  const mock = await createMockBitbucket({ autoApprove: true });
  try {
    const rounds = new Map(specs.map((spec) => [spec, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const spec of specs) {
        rounds.get(spec).push(await instructionsPerLogin(spec, mock.url));
        mock.requests.splice(0);
      }
    }
    const last = median(rounds.get(specs.at(-1)));
    for (const [spec, values] of rounds) {
      const each = values.map((v) => (v / 1e6).toFixed(2)).join(', ');
      console.log(
        `${spec.padEnd(48)} ${(median(values) / 1e6).toFixed(2)} M instructions/login  ×${(median(values) / last).toFixed(2)}  (rounds: ${each})`,
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
