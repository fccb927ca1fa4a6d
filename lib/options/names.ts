/**
 * Option names nobody takes: refused at construction with the nearest known name and the strategy that takes it.
 * NOTE: passport ignores an option it does not know, so a misspelling fails open: `workspace: ['acme']`
 * (singular) would switch the workspace gate off and let everybody sign in.
 */

/** One strategy's option names, with what it is called and which protocol it speaks. */
export interface OptionNames {
  readonly strategy: 'BitbucketOAuth2Strategy' | 'BitbucketStrategy';
  readonly protocol: 'OAuth 2.0' | 'OAuth 1.0a';
  readonly names: readonly string[];
}

/**
 * Options of the older Bitbucket strategies (and of node-oauth) that do not exist here, with what to write
 * instead: a migrated app would otherwise behave differently without a word.
 */
const FOREIGN_OPTIONS: Readonly<Record<string, string>> = {
  includeEmail: "is passport-bitbucket's option: the emails are read by default here (emails: false skips them)",
  skipEmails: "is passport-bitbucket-oauth20's option: write emails: false",
  userAgent: 'is not an option here: requests carry the User-Agent passport-bitbucket-oauth',
  customHeaders:
    'is not an option here: Bitbucket needs no other header (OAuth 2.0 sends the client secret in HTTP Basic; ' +
    'OAuth 1.0a signs each request)',
};

/** The option of one protocol that does the job of another's. */
const COUNTERPARTS: Readonly<Record<string, string>> = {
  clientID: 'consumerKey',
  clientSecret: 'consumerSecret',
  consumerKey: 'clientID',
  consumerSecret: 'clientSecret',
  authorizationURL: 'userAuthorizationURL',
  userAuthorizationURL: 'authorizationURL',
  tokenURL: 'accessTokenURL',
  accessTokenURL: 'tokenURL',
};

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j += 1) (rows[0] as number[])[j] = j;
  const at = (i: number, j: number): number => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= s.length; i += 1) {
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(s.length, t.length);
}

/** How far a name may be from a known one to be called a misspelling of it. */
function closeEnough(name: string, known: string): number | null {
  const d = distance(name, known);
  const [short, long] = name.length < known.length ? [name, known] : [known, name];
  // `clientSecretKey` for `clientSecret`: a known name with something added or cut at its end.
  if (short.length >= 5 && long.toLowerCase().startsWith(short.toLowerCase())) return Math.min(d, 2);
  return d <= Math.max(2, Math.floor(name.length / 4)) ? d : null;
}

/** The known name nearest to `name`, within what a misspelling may change; the first on a tie. */
export function closestName(name: string, known: readonly string[]): { name: string; distance: number } | null {
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    const d = closeEnough(name, candidate);
    if (d !== null && (best === null || d < best.distance)) best = { name: candidate, distance: d };
  }
  return best;
}

/** The nearest known name, this strategy's first on a tie. */
function nearest(name: string, own: OptionNames, other: OptionNames): { name: string; of: OptionNames } | null {
  const mine = closestName(name, own.names);
  const theirs = closestName(name, other.names);
  if (mine !== null && (theirs === null || mine.distance <= theirs.distance)) return { name: mine.name, of: own };
  return theirs === null ? null : { name: theirs.name, of: other };
}

/**
 * The TypeError for an option `own.strategy` does not take, or `null` when it takes it.
 * Says what to write instead: the other strategy, a replacement, or the nearest known name.
 */
export function unknownOptionError(name: string, own: OptionNames, other: OptionNames): TypeError | null {
  if (own.names.includes(name)) return null;
  if (Object.hasOwn(FOREIGN_OPTIONS, name)) return new TypeError(`${name} ${FOREIGN_OPTIONS[name] ?? ''}`);
  const prefix = `${own.strategy} has no option ${name}`;
  if (other.names.includes(name)) {
    const counterpart = Object.hasOwn(COUNTERPARTS, name) ? COUNTERPARTS[name] : undefined;
    const instead = counterpart === undefined ? '' : `; ${own.strategy} (${own.protocol}) takes ${counterpart} instead`;
    return new TypeError(
      `${prefix}: it is an option of ${other.strategy} (${other.protocol}). For ${other.protocol} build a ${other.strategy}${instead}.`,
    );
  }
  const meant = nearest(name, own, other);
  if (meant === null) return new TypeError(`${prefix}. Its options: ${own.names.join(', ')}.`);
  const whose = meant.of === own ? '' : ` (an option of ${other.strategy}, ${other.protocol})`;
  return new TypeError(`${prefix}: did you mean ${meant.name}${whose}?`);
}
