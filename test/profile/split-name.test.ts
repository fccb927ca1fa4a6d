import { splitName } from 'passport-bitbucket-oauth';

describe('splitName', () => {
  it('splits two words into given and family name', () => {
    expect(splitName('Jane Doe')).toEqual({ givenName: 'Jane', familyName: 'Doe' });
  });

  it('takes the last word as the family name and the rest as given names', () => {
    expect(splitName('Mary Ann van der Berg')).toEqual({ givenName: 'Mary Ann van der', familyName: 'Berg' });
  });

  it('gives a single word as the given name, with an empty family name', () => {
    expect(splitName('Cher')).toEqual({ givenName: 'Cher', familyName: '' });
  });

  it('ignores surrounding and repeated whitespace, tabs included', () => {
    expect(splitName('  Jane \t  Doe  ')).toEqual({ givenName: 'Jane', familyName: 'Doe' });
  });

  it('gives undefined for no name, an empty one or a blank one', () => {
    expect(splitName(undefined)).toBeUndefined();
    expect(splitName('')).toBeUndefined();
    expect(splitName('   ')).toBeUndefined();
  });
});
