import { createPrivateKey } from 'node:crypto';

/**
 * One option's check: what is accepted (for the message) and the test. `undefined` never reaches
 * `test`: an absent option is the default. `secret` options are never echoed in a message.
 */
export interface OptionRule {
  /** What is accepted, as the message says it: `a positive integer`, `true or false`. */
  readonly accepts: string;
  /** `true` when the (defined) value is acceptable. */
  readonly test: (value: unknown) => boolean;
  /** Never quote the value (a secret or a key): the message says only its type. */
  readonly secret?: boolean;
  /** A check that throws its own TypeError (shared with the strategies), used instead of `test`. */
  readonly check?: (name: string, value: unknown) => unknown;
}

/** The rules of one strategy's options, by option name. */
export type OptionRules = Readonly<Record<string, OptionRule>>;

const MAX_SHOWN = 80;

/** The value as a message shows it: JSON-quoted, shortened; secrets by their type only. */
export function describeValue(value: unknown, secret = false): string {
  if (value === null) return 'null';
  if (Array.isArray(value) && secret) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return secret ? 'a bigint' : `${value.toString()}n`;
    case 'number':
      // NaN and Infinity are not JSON: String() names them.
      return secret ? 'a number' : String(value);
    case 'boolean':
      return secret ? 'a boolean' : String(value);
    case 'string':
      if (secret) return value === '' ? 'an empty string' : value.trim() === '' ? 'a blank string' : 'a string';
      return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
    default:
      if (secret) return 'an object';
      try {
        const json = JSON.stringify(value);
        return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}…` : json;
      } catch {
        return 'an object that is not JSON';
      }
  }
}

/** `name must be <accepted>, got <value>`: the one shape of every option error. */
export function optionError(name: string, rule: OptionRule, value: unknown): TypeError {
  return new TypeError(`${name} must be ${rule.accepts}, got ${describeValue(value, rule.secret)}`);
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** `true` or `false`. */
export const BOOLEAN: OptionRule = { accepts: 'true or false', test: (v) => typeof v === 'boolean' };

/** A string with at least one non-blank character. */
export const NON_EMPTY_STRING: OptionRule = {
  accepts: 'a non-empty string',
  test: (v) => typeof v === 'string' && v.trim() !== '',
};

/** A secret string: checked like {@link NON_EMPTY_STRING}, never echoed. */
export const SECRET_STRING: OptionRule = { ...NON_EMPTY_STRING, secret: true };

/** A positive safe integer (milliseconds, bytes, pages, counts). */
export const POSITIVE_INTEGER: OptionRule = {
  accepts: 'a positive integer',
  test: (v) => Number.isSafeInteger(v) && (v as number) > 0,
};

/**
 * Node's longest timer, in milliseconds (2^31 − 1, about 24.8 days).
 * NOTE: Node runs a longer `setTimeout` after 1 ms (with a TimeoutOverflowWarning): a `timeout` above it would
 * make every call to Bitbucket time out at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration a timer waits for: a positive integer of milliseconds Node's timers can hold. */
export const TIMER_MILLISECONDS: OptionRule = {
  accepts: `a positive integer of milliseconds, at most ${MAX_TIMER_MS} (about 24.8 days)`,
  test: (v) => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMER_MS,
};

/** A rule whose check lives elsewhere and throws its own message (the URL checks of endpoints.ts). */
export function checkedBy(accepts: string, check: (name: string, value: unknown) => unknown): OptionRule {
  return { accepts, test: () => true, check };
}

/** One of a fixed list of values, listed in the message as the user would write them. */
export function oneOf(values: readonly unknown[]): OptionRule {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  const accepts = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) ?? ''}` : (shown[0] ?? '');
  return { accepts, test: (v) => values.includes(v) };
}

/** A string, or a non-empty array of non-empty strings (scopes). */
export const STRING_OR_STRINGS: OptionRule = {
  accepts: 'a string or an array of strings',
  test: (v) =>
    typeof v === 'string' ||
    (Array.isArray(v) && v.length > 0 && v.every((item) => typeof item === 'string' && item.trim() !== '')),
};

/** `true`/`false`, or a function deciding per login. */
export const BOOLEAN_OR_FUNCTION: OptionRule = {
  accepts: 'true, false or a function (token…, done) => done(null, skip)',
  test: (v) => typeof v === 'boolean' || isFunction(v),
};

/** An object with these methods (a store). */
export function objectWithMethods(what: string, methods: readonly string[]): OptionRule {
  return {
    accepts: `${what} (an object with ${methods.map((m) => `${m}()`).join(', ')})`,
    test: (v) => isObject(v) && methods.every((m) => isFunction(v[m])),
  };
}

/**
 * What is wrong with a PEM private key, or `undefined` when Node parses it as an RSA private key.
 * NOTE: OpenSSL's own message ("DECODER routines::unsupported") tells a user nothing, and the key
 * itself must never appear in a message, so the usual mistakes are recognised first.
 */
export function privateKeyProblem(pem: string): string | undefined {
  if (/^-----BEGIN [A-Z ]+-----\\n/.test(pem.trim())) {
    return 'holds the characters \\n instead of line breaks (as environment variables often do): replace them with newlines';
  }
  if (!pem.includes('-----BEGIN '))
    return 'is not PEM text: expected "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----"';
  if (/-----BEGIN (?:RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem)) {
    return 'is a public key or a certificate: give the private key (Bitbucket holds the public one)';
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    return 'is encrypted with a passphrase: decrypt it first (openssl pkey -in key.pem -out key.plain.pem)';
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    return 'could not be parsed as a PEM private key (truncated or damaged?)';
  }
  return type === 'rsa' ? undefined : `is a key of type ${type ?? 'unknown'}: RSA-SHA1 needs an RSA key`;
}
