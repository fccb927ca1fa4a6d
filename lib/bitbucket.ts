/**
 * Facts about Bitbucket itself that every room may need: the two deployments and Cloud's fixed origins.
 * Nothing here is configuration; the URLs a strategy actually calls are resolved in `options/endpoints.ts`.
 */

/** Where a strategy talks to: Bitbucket Cloud, or a self-hosted Bitbucket Data Center. */
export type Deployment = 'cloud' | 'datacenter';

/** Bitbucket Cloud's web origin. */
export const CLOUD_SITE_URL = 'https://bitbucket.org';
/** Bitbucket Cloud's REST API origin. */
export const CLOUD_API_URL = 'https://api.bitbucket.org';
