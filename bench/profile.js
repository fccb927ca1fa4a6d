'use strict';
// `node bench/profile.js [contender…]`: where an app's CPU goes during logins. Runs each contender's app
// (bench/app-process.js) under `node --cpu-prof`, drives LOGINS logins at concurrency 20 on the mock with
// no delays, and prints the self time per package and the hottest functions. Profiles stay in bench/profiles/.
const { fork } = require('node:child_process');
const { mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { createMockBitbucket } = require('../dist/testing');
const { Browser, driverAgents } = require('./driver');

const LOGINS = Number(process.env.PROFILE_LOGINS ?? 2000);
const names = process.argv.slice(2).length ? process.argv.slice(2) : ['ours oauth2', 'passport-bitbucket-oauth20'];

/** Self time per package / per function from a .cpuprofile. */
function summarize(file) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map();
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  const packages = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const url = callFrame.url;
    if (callFrame.functionName === '(idle)') continue;
    total += us;
    const pkg = url.includes('node_modules/')
      ? url
          .split('node_modules/')
          .pop()
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')
      : url.includes('/dist/')
        ? 'passport-bitbucket-oauth (dist)'
        : url.startsWith('node:')
          ? 'node core'
          : callFrame.functionName.startsWith('(')
            ? callFrame.functionName
            : url || '(native)';
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${path.basename(url)}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, us]) =>
          `${(us / 1000 / LOGINS).toFixed(3).padStart(7)} ms/login  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`,
      );
  return { total, packages: top(packages, 12), functions: top(functions, 20) };
}

async function main() {
  const mock = await createMockBitbucket({ autoApprove: true });
  for (const name of names) {
    const dir = path.join(__dirname, 'profiles', name.replace(/\W+/g, '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const child = fork(path.join(__dirname, 'app-process.js'), [name, mock.url], {
      execArgv: ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
    const agents = driverAgents();
    const base = `http://127.0.0.1:${port}`;
    const warm = new Browser(base, agents);
    for (let i = 0; i < 200; i++) await warm.login();
    let left = LOGINS;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const b = new Browser(base, agents);
        while (left-- > 0) await b.login();
      }),
    );
    await new Promise((resolve) => child.once('exit', resolve).send('exit'));
    const file = path.join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.cpuprofile')),
    );
    const { total, packages, functions } = summarize(file);
    console.log(
      `\n${name}: ${(total / 1000 / (LOGINS + 200)).toFixed(2)} ms CPU per login (profile, warm-up included)`,
    );
    console.log('  by package:\n    ' + packages.join('\n    '));
    console.log('  hottest functions:\n    ' + functions.join('\n    '));
  }
  await mock.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
