/**
 * The first step of every constructor: the caller's options copied once into a plain snapshot, which
 * everything after it reads (the checks, the defaults, passport's own constructor).
 *
 * NOTE: own properties only, each read exactly once. An option inherited from a polluted `Object.prototype`
 * (`Object.prototype.tokenURL = …` anywhere in the process) must never become an endpoint, and a getter must
 * not pass the checks with one value and be used with another.
 */

/** The options as given, own enumerable properties only, read once; no prototype, frozen. */
export type OptionSnapshot = Readonly<Record<string, unknown>>;

/** What kind of value `options` was, for the message (never the value: it may hold the secret). */
function kindOf(options: unknown): string {
  if (typeof options === 'string') return 'a string';
  if (Array.isArray(options)) return 'an array';
  return typeof options;
}

/**
 * Refuses an option the object inherits rather than owns: a getter of a config class, or a value of an
 * `Object.create(defaults)`. Read from own properties only, it would be silently left out (a `workspaces` getter
 * would switch the gate off). Methods are no options and stay allowed; `Object.prototype` is never looked at.
 */
function refuseInherited(options: object): void {
  for (
    let prototype: unknown = Object.getPrototypeOf(options);
    prototype !== null && prototype !== Object.prototype && typeof prototype === 'object';
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const property = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || property === undefined || typeof property.value === 'function') continue;
      throw new TypeError(
        `${name} is inherited from the options object's prototype, and options are read from its own properties ` +
          'only: pass a plain object (an object literal), with every option as an own property',
      );
    }
  }
}

/**
 * Copies the caller's options. `undefined` and `null` are no options at all.
 * @throws TypeError when `options` is not an object, or a getter throws (naming the option).
 */
export function snapshotOptions(options: unknown): OptionSnapshot {
  const snapshot = Object.create(null) as Record<string, unknown>;
  if (options === undefined || options === null) return Object.freeze(snapshot);
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${kindOf(options)}`);
  }
  refuseInherited(options);
  for (const name of Object.keys(options)) {
    let value: unknown;
    try {
      value = (options as Record<string, unknown>)[name];
    } catch (err) {
      const why = err instanceof Error ? err.message : 'it threw';
      throw new TypeError(`${name} could not be read: ${why}`, { cause: err });
    }
    // `__proto__` is a name like any other here (JSON.parse makes it an own property): define, never assign.
    Object.defineProperty(snapshot, name, { value, enumerable: true });
  }
  return Object.freeze(snapshot);
}
