import type { Handler, RequestContext } from '../server/context';
import { sendCloudError } from '../server/http';
import { renderAvatarSvg } from './render';
import type { MockUser } from '../types';
import { findDcUser } from '../users/users';

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function sendAvatar(rc: RequestContext, users: readonly MockUser[], user: MockUser | undefined): void {
  if (!user) return sendCloudError(rc.res, 404, 'Resource not found');
  const svg = renderAvatarSvg(user, users.indexOf(user));
  rc.res.writeHead(200, {
    'content-type': 'image/svg+xml',
    'content-length': Buffer.byteLength(svg),
    'cache-control': 'max-age=3600',
  });
  rc.res.end(svg);
}

/** `GET /avatars/{accountId}.svg`: the avatar linked from `/2.0/user` (public, like Bitbucket's avatar CDN). */
export const cloudAvatarHandler: Handler = (ctx, rc) => {
  const id = decode(rc.param);
  sendAvatar(
    rc,
    ctx.users,
    ctx.users.find((u) => u.accountId === id),
  );
};

/** `GET /users/{slug}/avatar.png`: the Data Center avatar (an SVG, whatever the extension says). */
export const dcAvatarHandler: Handler = (ctx, rc) => {
  const slug = decode(rc.param);
  sendAvatar(rc, ctx.users, slug === undefined ? undefined : findDcUser(ctx.users, slug));
};
