/**
 * The example app logs every failed request on one line (examples/login/log.ts); with Redis killed on
 * purpose that is hundreds of expected lines. They are kept here instead of flooding jest's output,
 * so a test can still look at them.
 */
export const logged: string[] = [];

/** Collects console.error/warn/log of the app for the current test file. */
export function quietConsole(): void {
  let spies: jest.SpyInstance[] = [];
  beforeAll(() => {
    spies = (['error', 'warn', 'log'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      }),
    );
  });
  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
  });
}

/** Writes a line to the real stdout (the figures a run reports), whatever console is doing. */
export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
