'use strict';
// `node bench/first-callback.js <contender>[@<dist dir>] …`: the first callback of a fresh process (the mock without
// delays, 50 ms on the consent page), for several contenders in ALTERNATING rounds, so that a machine's changing
// load hits them all alike (bench/run.js measures one contender after the other, 3 rounds each). What the column
// "first callback ms, no delays" measures: loading and compiling code on first use. ROUNDS (15) fresh processes
// per contender; prints the median and quartiles of the callback's time and of the app's CPU during it (which the
// machine's other work does not inflate). `ours oauth2@/tmp/old/dist` runs another build of ours.
const { createMockBitbucket } = require('../dist/testing');
const { startAppProcess } = require('./apps');
const { Browser, driverAgents } = require('./driver');

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One fresh app process of `spec`: its first sign-in's callback as the browser sees it, and the app's CPU during
 * it (less noisy than the time: the machine's other work does not count), in ms.
 */
async function firstCallback(spec, mockURL) {
  const app = await startAppProcess(spec, mockURL);
  try {
    const browser = new Browser(app.base, driverAgents());
    const location = await browser.firstLeg(() => sleep(50));
    const before = await app.usage();
    const ms = await browser.callback(location);
    return { ms, cpuMs: ((await app.usage()).cpu - before.cpu) / 1000 };
  } finally {
    await app.stop();
  }
}

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0)
    throw new Error("usage: node bench/first-callback.js 'ours oauth2' passport-bitbucket-oauth2");
  const mock = await createMockBitbucket({ autoApprove: true });
  const times = new Map(specs.map((spec) => [spec, { ms: [], cpuMs: [] }]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const spec of specs) {
        const { ms, cpuMs } = await firstCallback(spec, mock.url);
        times.get(spec).ms.push(ms);
        times.get(spec).cpuMs.push(cpuMs);
      }
    }
  } finally {
    await mock.close();
  }
  const summary = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    return `${at(0.5)} ms (quartiles ${at(0.25)}–${at(0.75)}, min ${at(0)})`;
  };
  console.log(`${'contender'.padEnd(48)} ${'first callback, median'.padEnd(40)} app CPU in it, median`);
  for (const [spec, { ms, cpuMs }] of times)
    console.log(`${spec.padEnd(48)} ${summary(ms).padEnd(40)} ${summary(cpuMs)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
