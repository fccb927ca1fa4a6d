'use strict';
// Timing helpers for the benchmark: medians of repeated samples, reported as ratios to a
// baseline measured in the same run, so the numbers mean the same thing on any machine.

/** Runs fn `iterations` times per sample and returns the median nanoseconds per call. */
async function medianNsPerCall(fn, { samples = 15, iterations = 200, warmup = 2 } = {}) {
  const times = [];
  for (let s = 0; s < samples + warmup; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    const ns = Number(process.hrtime.bigint() - start) / iterations;
    if (s >= warmup) times.push(ns);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Synchronous variant: no await per call, so cheap functions are not drowned by promise overhead. */
function medianNsPerCallSync(fn, { samples = 15, iterations = 5000, warmup = 2 } = {}) {
  const times = [];
  for (let s = 0; s < samples + warmup; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    const ns = Number(process.hrtime.bigint() - start) / iterations;
    if (s >= warmup) times.push(ns);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function format(ns) {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(2)} µs`;
}

module.exports = { medianNsPerCall, medianNsPerCallSync, format };
