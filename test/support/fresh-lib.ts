/** The package's exports, as a test imports them. */
export type Lib = typeof import('passport-bitbucket-oauth');

/** A fresh copy of the package, as a new process loads it: nothing warmed up or rehearsed yet. */
export function freshLib(): Lib {
  let lib: Lib | undefined;
  jest.isolateModules(() => {
    lib = jest.requireActual<Lib>('passport-bitbucket-oauth');
  });
  if (lib === undefined) throw new Error('the package did not load');
  return lib;
}
