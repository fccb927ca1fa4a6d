// NOTE: passport-oauth1 ships no types and there is no @types package. This ambient declaration
// only lets `base.ts` load it; the types users see are declared in `base.ts`, so the published
// .d.ts files never reference this module.
declare module 'passport-oauth1' {
  const OAuthStrategy: unknown;
  export = OAuthStrategy;
}
