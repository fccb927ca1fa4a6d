/**
 * `passport-bitbucket-oauth-mock`, the mock as a command (package.json `bin`), run as users run it: the BUILT file
 * in a child process, over real HTTP, stopped by real signals. It serves what a strategy in another process needs,
 * prints it, and exits cleanly (status 0, port closed) on SIGINT and SIGTERM, with clear refusals for bad usage.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { appCallbackURL, reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';

const root = path.resolve(__dirname, '../..');
const bin = path.join(
  root,
  (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    }
  ).bin['passport-bitbucket-oauth-mock'] ?? '',
);

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

const running: ChildProcess[] = [];

function run(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits until the command has printed `pattern` (or exited), and returns its first match. */
async function printed(cli: Run, pattern: RegExp): Promise<RegExpExecArray> {
  for (let waited = 0; waited < 15_000; waited += 20) {
    const match = pattern.exec(cli.stdout());
    if (match) return match;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`did not print ${String(pattern)}:\n${cli.stdout()}${cli.stderr()}`);
}

const started = (cli: Run): Promise<string> =>
  printed(cli, /Mock Bitbucket on (http:\/\/127\.0\.0\.1:\d+)/).then((m) => m[1] ?? '');

let app: TestApp | undefined;
let tmp = '';

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-cli-'));
}, 120_000);
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const child of running.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('passport-bitbucket-oauth-mock', () => {
  it('prints its endpoints and the default consumer, and an OAuth 2.0 app in another process signs in on it', async () => {
    const cli = run(['--port', '0', '--auto-approve']);
    const url = await started(cli);
    await printed(cli, /Max Mails/);
    const text = cli.stdout();
    for (const line of [
      `authorizationURL   ${url}/site/oauth2/authorize`,
      `tokenURL           ${url}/site/oauth2/access_token`,
      `requestTokenURL       ${url}/api/1.0/oauth/request_token/`,
      `baseURL  ${url}`,
      'clientID / consumerKey         mock-client-id',
      'clientSecret / consumerSecret  mock-client-secret',
      'callbackURL                    http://127.0.0.1:  (a redirect_uri must start with it)',
      'pat     Pat Private',
    ]) {
      expect(text).toContain(line);
    }
    await reserveAppURL();
    const endpoints = {
      authorizationURL: `${url}/site/oauth2/authorize`,
      tokenURL: `${url}/site/oauth2/access_token`,
      userProfileURL: `${url}/2.0/user`,
      userEmailsURL: `${url}/2.0/user/emails`,
    };
    const strategy = new BitbucketOAuth2Strategy(
      { ...endpoints, clientID: 'mock-client-id', clientSecret: 'mock-client-secret', callbackURL: appCallbackURL() },
      (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
    );
    app = await startApp(strategy);
    const { callback } = await login(app.agent(), { mockUser: 'pat' });
    expect(callback?.body.user).toEqual({ id: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}', name: 'Pat Private' });
  });

  it('serves the users and consumers of JSON files, and prints them as JSON with --json', async () => {
    const users = path.join(tmp, 'users.json');
    const clients = path.join(tmp, 'clients.json');
    fs.writeFileSync(
      users,
      JSON.stringify([
        {
          uuid: '{11111111-2222-4333-8444-555555555555}',
          accountId: 'a1',
          nickname: 'ann',
          displayName: 'Ann',
          emails: [],
        },
      ]),
    );
    fs.writeFileSync(
      clients,
      JSON.stringify([{ clientId: 'e2e', clientSecret: 'e2e-secret', callbackURL: 'http://127.0.0.1:' }]),
    );
    const cli = run(['--port', '0', '--auto-approve', '--json', '--users', users, '--clients', clients]);
    const line = (await printed(cli, /^\{.*\}\n/))[0];
    const printedJSON = JSON.parse(line) as {
      url: string;
      oauth1: Record<string, string>;
      client: { clientId: string; clientSecret: string };
      users: unknown[];
    };
    expect(printedJSON.client).toEqual({
      clientId: 'e2e',
      clientSecret: 'e2e-secret',
      callbackURL: 'http://127.0.0.1:',
    });
    expect(printedJSON.users).toEqual([{ name: 'ann', displayName: 'Ann' }]);
    await reserveAppURL();
    const strategy = new BitbucketStrategy(
      { ...printedJSON.oauth1, consumerKey: 'e2e', consumerSecret: 'e2e-secret', callbackURL: appCallbackURL() },
      (_t, _s, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
    );
    app = await startApp(strategy);
    const { callback } = await login(app.agent());
    expect(callback?.body.user).toEqual({ id: '{11111111-2222-4333-8444-555555555555}', name: 'Ann' });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s: exit status 0, port closed, even with a connection open',
    async (signal) => {
      const cli = run(['--port', '0']);
      const url = await started(cli);
      const res = await fetch(`${url}/2.0/user`); // a kept-alive connection stays open after the answer
      expect(res.status).toBe(401);
      await res.text();
      cli.child.kill(signal);
      expect(await cli.exit).toEqual([0, null]);
      expect(cli.stdout()).toContain(`Mock Bitbucket stopped (${signal}).`);
      await expect(fetch(`${url}/2.0/user`)).rejects.toThrow();
    },
  );

  it('stops by itself when the process that started it is killed (npx passes no signal on)', async () => {
    // A parent that starts the command, says where it listens, then waits: killed with SIGKILL, it passes nothing on.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(bin)}, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
         c.stdout.on('data', (d) => { const m = /on (http:[^ ]+)/.exec(String(d)); if (m) console.log(m[1] + ' ' + c.pid); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    running.push(parent);
    const [line] = (await once(parent.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    const [url = '', pid = ''] = String(line).trim().split(' ');
    expect((await fetch(`${url}/2.0/user`)).status).toBe(401);
    parent.kill('SIGKILL');
    // Its port closes (checked rather than the pid: an exited orphan may stay a zombie where init reaps nothing).
    let listening = true;
    for (let waited = 0; listening && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      listening = await fetch(`${url}/2.0/user`).then(
        () => true,
        () => false,
      );
    }
    if (listening) process.kill(Number(pid), 'SIGKILL');
    expect(listening).toBe(false);
  });

  it('stops by itself when the process that started it exits while it is still starting up', async () => {
    // The parent starts it, hands it its users through a FIFO (so the mock is past its first line, yet not
    // listening), then exits: the mock is an orphan before it listens. It must still notice.
    const fifo = path.join(tmp, 'users.fifo');
    execFileSync('mkfifo', [fifo]);
    const users = JSON.stringify([{ uuid: '{u}', accountId: 'u', nickname: 'u', displayName: 'U', emails: [] }]);
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(bin)}, '--port', '0', '--users', ${JSON.stringify(fifo)}], { stdio: 'ignore' });
         console.log(c.pid);
         const fd = fs.openSync(${JSON.stringify(fifo)}, 'w'); // returns once the mock opens it to read
         fs.writeSync(fd, ${JSON.stringify(users)});
         process.exit(0);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    running.push(parent);
    const [line] = (await once(parent.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    const pid = Number(String(line).trim());
    await once(parent, 'exit');
    // Gone, or a zombie where init reaps nothing: either way it no longer runs.
    const runs = (): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let waited = 0; runs() && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    const stillRunning = runs();
    if (stillRunning) process.kill(pid, 'SIGKILL');
    expect(stillRunning).toBe(false);
  });

  it('exits 0 on SIGTERM when whoever read its first line has closed the pipe (no EPIPE crash)', async () => {
    const cli = run(['--port', '0']);
    await started(cli);
    cli.child.stdout?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toEqual([0, null]);
    expect(cli.stderr()).toBe('');
  });

  it('prints exactly one line of JSON with --json, and nothing when it stops', async () => {
    const cli = run(['--port', '0', '--json']);
    await printed(cli, /^\{.*\}\n/);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toEqual([0, null]);
    const lines = cli
      .stdout()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0] ?? '') as unknown).not.toThrow();
  });

  it.each([
    [['--nope'], 'unknown option --nope'],
    [['--prot', '0'], 'unknown option --prot: did you mean --port?'],
    [['--autoApprove'], 'unknown option --autoApprove: did you mean --auto-approve?'],
    [['--auto-approve=false'], '--auto-approve takes no value, got --auto-approve=false'],
    [['--json=0'], '--json takes no value, got --json=0'],
    [['--port', '70000'], '--port must be a number from 0 to 65535, got 70000'],
    [['--port'], '--port needs a value'],
    [['--users', '/nonexistent/users.json'], '--users /nonexistent/users.json: ENOENT'],
  ])('refuses %j with status 2, the reason and the usage', async (args, reason) => {
    const cli = run(args);
    expect(await cli.exit).toEqual([2, null]);
    expect(cli.stderr()).toContain(`passport-bitbucket-oauth-mock: ${reason}`);
    expect(cli.stderr()).toContain('Usage: passport-bitbucket-oauth-mock [options]');
  });

  it('names the file and the item when a users file is not a list of users', async () => {
    const users = path.join(tmp, 'bad-users.json');
    fs.writeFileSync(users, JSON.stringify([{ uuid: '{x}', nickname: 'x' }]));
    const cli = run(['--users', users]);
    expect(await cli.exit).toEqual([2, null]);
    expect(cli.stderr()).toContain(`--users ${users}: item 0 needs the string field(s) accountId, displayName`);
  });

  it('says so, with status 1, when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const cli = run(['--port', String(port)]);
      expect(await cli.exit).toEqual([1, null]);
      expect(cli.stderr()).toContain(`port ${port} on 127.0.0.1 is in use: choose another with --port`);
    } finally {
      taken.close();
    }
  });

  it('prints its usage with --help', async () => {
    const cli = run(['--help']);
    expect(await cli.exit).toEqual([0, null]);
    expect(cli.stdout()).toContain('--users <file>');
  });
});
