/**
 * Issue 19: workspace slugs are compared ASCII-lower-cased. Bitbucket slugs are ASCII; full Unicode
 * lower-casing would let a workspace named with K KELVIN SIGN (U+212A) pass for `kelvin`, or İ (U+0130) for `i`.
 */
import { guardProcess } from '../support/process-guard';
import { DENIED, janeWith, useGate } from './helpers';
import { followApp, login } from '../support/flow';

guardProcess();

describe.each([
  ['K KELVIN SIGN', '\u212Aelvin', 'kelvin'],
  ['İ LATIN CAPITAL LETTER I WITH DOT ABOVE', 'team-\u0130', 'team-i'],
])('a workspace whose slug holds %s', (_what, slug, allowed) => {
  const h = useGate(
    { workspaces: [allowed] },
    { mock: { users: [janeWith([{ slug, uuid: '{11111111-2222-4333-8444-555555555555}', name: 'Look-alike' }])] } },
  );

  it(`does not match the allowed workspace ${allowed}`, async () => {
    const agent = h().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    expect((await followApp(agent, callback!)).body).toEqual({ messages: [DENIED] });
    expect(h().verified).toHaveLength(0);
  });
});

describe('an allowed slug in another ASCII case still matches', () => {
  const h = useGate(
    { workspaces: ['KELVIN'] },
    { mock: { users: [janeWith([{ slug: 'Kelvin', uuid: '{11111111-2222-4333-8444-555555555555}', name: 'K' }])] } },
  );

  it('signs the member in', async () => {
    const { callback } = await login(h().app.agent());
    expect(callback?.status).toBe(200);
  });
});
