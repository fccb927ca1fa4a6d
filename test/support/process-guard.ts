/**
 * Fails a test file when anything escapes as an unhandled rejection or an uncaught exception:
 * the strategies must turn every failure into fail() or error(), never into a crash.
 */
export function guardProcess(): { escaped: unknown[] } {
  const escaped: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    escaped.push(reason);
  };
  const onException = (err: unknown): void => {
    escaped.push(err);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
  afterEach(() => {
    expect(escaped).toEqual([]);
  });
  return { escaped };
}
