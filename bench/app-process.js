'use strict';
// One contender's app in a process of its own (so that its CPU and heap are its own): the same Express +
// express-session app for every strategy. Started by bench/run.js with --expose-gc; talks over IPC:
//   → { port }            once listening
//   ← 'usage'  → { cpu, user, system, main }  process.cpuUsage() in µs (user + system, and each), and the main
//                thread's alone (Linux)
//   ← 'heap'   → { heap } heapUsed after a forced GC
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { CONTENDERS } = require('./contenders');

const [name, mockURL] = process.argv.slice(2);
const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const passport = new Passport();
  passport.use('bench', CONTENDERS[name].build(mockURL, `${base}/callback`));
  passport.serializeUser((u, done) => done(null, u));
  passport.deserializeUser((u, done) => done(null, u));
  const app = express();
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/login', passport.authenticate('bench'));
  app.get(
    '/callback',
    passport.authenticate('bench', { failureRedirect: '/failed', failureMessage: true }),
    (_q, res) => res.send('ok'),
  );
  app.get('/failed', (req, res) => res.status(401).send(String(req.session?.messages?.at(-1) ?? 'failed')));
  app.use((err, _q, res, _n) => res.status(500).send(`${err.name}: ${err.message}`));
  server.on('request', app);
  process.send({ port: server.address().port });
});
/**
 * CPU of the main (JavaScript) thread alone in µs, from Linux's /proc (10 ms ticks); `null` elsewhere. The rest of
 * process.cpuUsage() is V8's and libuv's helper threads: garbage collection, compilation, the thread pool.
 */
function mainThreadCPU() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

process.on('message', (message) => {
  if (message === 'usage') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system, user, system, main: mainThreadCPU() });
  } else if (message === 'heap') {
    global.gc();
    global.gc();
    process.send({ heap: process.memoryUsage().heapUsed });
  } else if (message === 'exit') {
    process.exit(0);
  }
});
