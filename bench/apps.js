'use strict';
// A contender's app (bench/app-process.js) in a process of its own, so that its CPU and heap are its own; shared by
// every harness of bench/. `spec` is a contender's name, or `name@dist` to run our strategy from another build.
const { fork } = require('node:child_process');
const path = require('node:path');

/**
 * Starts the app of `spec` on the mock at `mockURL`; resolves once it listens with its `base` URL and how to ask it
 * for its CPU (`usage()`: `{ cpu, main }` in µs), its heap after a forced GC (`heap()`, bytes) and to stop it.
 */
function startAppProcess(spec, mockURL) {
  const [name, dist] = spec.split('@');
  const env = dist ? { ...process.env, BENCH_DIST: path.resolve(dist) } : process.env;
  const child = fork(path.join(__dirname, 'app-process.js'), [name, mockURL], { execArgv: ['--expose-gc'], env });
  const ask = (what, key) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m && key in m) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
      child.send(what);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${spec}: the app exited (${code}) before listening`)));
    child.once('message', ({ port }) =>
      resolve({
        spec,
        base: `http://127.0.0.1:${port}`,
        usage: () => ask('usage', 'cpu'),
        heap: async () => (await ask('heap', 'heap')).heap,
        stop: () =>
          child.exitCode === null ? new Promise((done) => child.once('exit', done).send('exit')) : Promise.resolve(),
      }),
    );
  });
}

/** Stops every app of a harness, then its mock. */
async function stopAll(apps, mock) {
  for (const app of apps) await app.stop();
  await mock.close();
}

module.exports = { startAppProcess, stopAll };
