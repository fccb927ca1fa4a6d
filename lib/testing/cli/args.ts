/**
 * The command line of `passport-bitbucket-oauth-mock`: flags, and the users/clients JSON files, checked before the
 * mock starts so a mistake is one line naming the flag or the file, not a stack trace.
 */
import { readFileSync } from 'node:fs';
import { closestName } from '../../options/names';
import type { MockBitbucketOptions, MockClient, MockUser } from '../types';

/** What the command was asked for. */
export interface CliRequest {
  help: boolean;
  json: boolean;
  options: MockBitbucketOptions & { port: number; host: string };
}

/** A mistake on the command line: the command prints its message and the usage, and exits with status 2. */
export class UsageError extends Error {}

export const USAGE = `Usage: passport-bitbucket-oauth-mock [options]

Starts a mock Bitbucket (Cloud and Data Center) until Ctrl-C, SIGTERM or the exit of the process that
started it, and prints its endpoints and the credentials of its OAuth consumer.

Options:
  --port <n>          port to listen on (default 8080; 0 picks a free one)
  --host <address>    interface to listen on (default 127.0.0.1)
  --users <file>      a JSON array of users (MockUser), instead of the default users
  --clients <file>    a JSON array of OAuth consumers (MockClient), instead of the default consumer
  --auto-approve      send the user straight back, without the consent page
  --json              print the endpoints and credentials as one line of JSON
  --help              print this help`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a JSON array of objects, each with the listed string fields (and `emails` for users). */
function readList(flag: string, file: string, required: readonly string[]): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new UsageError(`${flag} ${file}: expected a non-empty JSON array`);
  }
  return parsed.map((item: unknown, i) => {
    const missing = isObject(item) ? required.filter((field) => typeof item[field] !== 'string') : required;
    if (!isObject(item) || missing.length > 0) {
      throw new UsageError(`${flag} ${file}: item ${i} needs the string field(s) ${missing.join(', ')}`);
    }
    if (flag === '--users' && !Array.isArray(item.emails)) {
      throw new UsageError(`${flag} ${file}: item ${i} needs an emails array (it may be empty)`);
    }
    return item;
  });
}

function portOf(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, got ${value}`);
  return port;
}

/** Every flag, as the nearest one is looked for; the switches among them take no value. */
const FLAGS = ['port', 'host', 'users', 'clients', 'auto-approve', 'json', 'help'];
const SWITCHES = ['--auto-approve', '--json', '--help'];

/** `unknown option --prot: did you mean --port?` */
function unknownOption(arg: string, flag: string): UsageError {
  const meant = closestName(flag.replace(/^-+/, ''), FLAGS);
  return new UsageError(`unknown option ${arg}${meant ? `: did you mean --${meant.name}?` : ''}`);
}

/** Parses `process.argv.slice(2)`. */
export function parseArgs(argv: readonly string[]): CliRequest {
  const request: CliRequest = { help: false, json: false, options: { port: 8080, host: '127.0.0.1' } };
  const { options } = request;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    // NOTE: `--auto-approve=false` must not switch auto-approval on: a switch given a value is a mistake.
    if (inline !== undefined && SWITCHES.includes(flag)) throw new UsageError(`${flag} takes no value, got ${arg}`);
    if (flag === '--help' || flag === '-h') request.help = true;
    else if (flag === '--json') request.json = true;
    else if (flag === '--auto-approve') options.autoApprove = true;
    else if (flag === '--port') options.port = portOf(value());
    else if (flag === '--host') options.host = value();
    else if (flag === '--users') {
      const file = value();
      options.users = readList(flag, file, ['uuid', 'accountId', 'nickname', 'displayName']) as unknown as MockUser[];
    } else if (flag === '--clients') {
      const file = value();
      options.clients = readList(flag, file, ['clientId', 'clientSecret']) as unknown as MockClient[];
    } else throw unknownOption(arg, flag);
  }
  return request;
}
