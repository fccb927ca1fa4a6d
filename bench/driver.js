'use strict';
// The browser side of a login, as lean as possible (it shares the bench's process with the mock): one cookie
// per virtual user, keep-alive connections to the app and to the mock, redirects followed by hand.
const http = require('node:http');

/** Agents of the driver; connections it opens to the mock are counted, to tell them from the app's. */
function driverAgents() {
  const app = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const mock = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const counted = { mockConnections: 0 };
  const open = mock.createConnection.bind(mock);
  mock.createConnection = (...args) => {
    counted.mockConnections++;
    return open(...args);
  };
  return { app, mock, counted };
}

/**
 * One GET. A keep-alive connection the server closed (its idle timeout) just as the request went out fails with
 * ECONNRESET before the server read anything: the request is sent again once on a new connection, as browsers
 * do and as Node's documentation advises (`req.reusedSocket`).
 */
function get(url, agent, cookie, retried = false) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', (err) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') resolve(get(url, agent, cookie, true));
      else reject(err);
    });
  });
}

/** A virtual user of the app at `base`: its cookie survives between logins. */
class Browser {
  constructor(base, agents) {
    this.base = base;
    this.agents = agents;
    this.cookie = '';
  }

  keep(res) {
    const set = res.headers['set-cookie'];
    if (set) this.cookie = set.map((c) => c.split(';')[0]).join('; ');
  }

  /** `/login` and Bitbucket's consent (auto-approved): returns the callback URL. */
  async firstLeg(pause) {
    const start = await get(`${this.base}/login`, this.agents.app, this.cookie);
    this.keep(start);
    if (start.status !== 302) throw new Error(`/login answered ${start.status}: ${start.body.slice(0, 120)}`);
    if (pause) await pause();
    const consent = await get(start.headers.location, this.agents.mock);
    if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}: ${consent.body.slice(0, 120)}`);
    return consent.headers.location;
  }

  /** The callback: resolves with its duration in ms; rejects when the login did not succeed. */
  async callback(url) {
    const started = process.hrtime.bigint();
    const done = await get(url, this.agents.app, this.cookie);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.keep(done);
    if (done.status !== 200) {
      const where = done.headers.location ? ` → ${done.headers.location}` : '';
      let reason = done.body.slice(0, 160);
      if (done.headers.location)
        reason = (await get(`${this.base}${done.headers.location}`, this.agents.app, this.cookie)).body;
      throw new Error(`callback answered ${done.status}${where}: ${reason.slice(0, 160)}`);
    }
    return ms;
  }

  async login() {
    return this.callback(await this.firstLeg());
  }
}

module.exports = { Browser, driverAgents, get };
