/**
 * A process warning a test provokes must be expected and captured by that test
 * (`jest.spyOn(process, 'emitWarning').mockImplementation(…)`, then an assertion on it): one that reaches
 * `process.emitWarning` here would be printed in the middle of `make test`, so it fails the test instead, with the
 * warning's text. Loaded for every test file by jest.config.js (`setupFilesAfterEnv`).
 */
const stray: string[] = [];
const emitWarning = process.emitWarning.bind(process);

beforeAll(() => {
  process.emitWarning = (warning: string | Error) => {
    stray.push(typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`);
  };
});

afterEach(() => {
  expect({ 'uncaptured process warnings': stray.splice(0) }).toEqual({ 'uncaptured process warnings': [] });
});

afterAll(() => {
  process.emitWarning = emitWarning;
});
