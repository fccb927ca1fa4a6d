'use strict';
// `node bench/first-callback.js <contender>[@<dist dir>] …`: the first callback of a fresh process (the mock without
// delays, 50 ms on the consent page), for several contenders in ALTERNATING rounds, so that a machine's changing
// load hits them all alike (bench/run.js measures one contender after the other, 3 rounds each). What the column
// "first callback ms, no delays" measures: loading and compiling code on first use. ROUNDS (15) fresh processes
// per contender; prints the median and quartiles. `ours oauth2@/tmp/old/dist` runs another build of ours.
const { fork } = require('node:child_process');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { Browser, driverAgents } = require('./driver');

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One fresh app process of `spec`: its first sign-in's callback, in ms. */
async function firstCallback(spec, mockURL) {
  const [name, dist] = spec.split('@');
  const env = dist ? { ...process.env, BENCH_DIST: path.resolve(dist) } : process.env;
  const child = fork(path.join(__dirname, 'app-process.js'), [name, mockURL], { execArgv: ['--expose-gc'], env });
  try {
    const { port } = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`${spec}: the app exited (${code}) before listening`)));
    });
    const browser = new Browser(`http://127.0.0.1:${port}`, driverAgents());
    return await browser.callback(await browser.firstLeg(() => sleep(50)));
  } finally {
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve).send('exit'));
  }
}

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0)
    throw new Error("usage: node bench/first-callback.js 'ours oauth2' passport-bitbucket-oauth2");
  const mock = await createMockBitbucket({ autoApprove: true });
  const times = new Map(specs.map((spec) => [spec, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const spec of specs) times.get(spec).push(await firstCallback(spec, mock.url));
    }
  } finally {
    await mock.close();
  }
  for (const [spec, values] of times) {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    console.log(`${spec.padEnd(48)} median ${at(0.5)} ms  (quartiles ${at(0.25)}–${at(0.75)}, min ${at(0)})`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
