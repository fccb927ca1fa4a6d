import type { MockUser } from '../types';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#172b4d}
.banner{background:#ffab00;color:#172b4d;text-align:center;padding:6px;font-size:13px;font-weight:600}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:6px;padding:28px 32px;box-shadow:0 1px 3px rgba(9,30,66,.25)}
h1{font-size:20px;margin:0 0 12px}
ul{padding-left:20px}
.who{color:#5e6c84;font-size:14px}
.actions{display:flex;gap:12px;margin-top:24px}
button{font:inherit;padding:8px 16px;border-radius:3px;border:0;cursor:pointer}
.grant{background:#0052cc;color:#fff}.deny{background:#ebecf0;color:#42526e}
.switch{margin-top:20px;font-size:13px;color:#5e6c84}
code{word-break:break-all}`;

function page(title: string, content: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>` +
    '<div class="banner">Mock Bitbucket — not the real bitbucket.org</div>' +
    `<main>${content}</main></body></html>`
  );
}

/** What the consent page shows and posts back. */
export interface ConsentPage {
  /** Path the form posts to. */
  action: string;
  /** The consumer asking for access. */
  clientId: string;
  /** The signed-in user. */
  user: MockUser;
  /** Human-readable permissions, e.g. "Account: Read". */
  permissions: string[];
  /** Hidden fields: every original parameter, in order. */
  hidden: readonly (readonly [string, string])[];
  /** Links to the same page signed in as another user. */
  switchUsers: readonly { label: string; href: string }[];
}

/** The "Grant access / Deny" page. Every reflected value is HTML-escaped. */
export function renderConsentPage(p: ConsentPage): string {
  const hidden = p.hidden
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const permissions = p.permissions.map((perm) => `<li>${escapeHtml(perm)}</li>`).join('');
  const switchUsers = p.switchUsers
    .map((s) => `<a href="${escapeHtml(s.href)}">${escapeHtml(s.label)}</a>`)
    .join(' · ');
  return page(
    'Authorize access — Mock Bitbucket',
    `<h1>Authorize <code>${escapeHtml(p.clientId)}</code></h1>` +
      `<p class="who">Signed in as <strong>${escapeHtml(p.user.displayName)}</strong></p>` +
      `<p>This application is requesting access to your Bitbucket account:</p><ul>${permissions}</ul>` +
      `<form method="post" action="${escapeHtml(p.action)}">${hidden}<div class="actions">` +
      '<button class="grant" type="submit" name="decision" value="grant">Grant access</button>' +
      '<button class="deny" type="submit" name="decision" value="deny">Deny</button></div></form>' +
      (switchUsers ? `<p class="switch">Not you? Continue as ${switchUsers}</p>` : ''),
  );
}

/** A page with a title and one message, e.g. "Invalid redirect_uri". */
export function renderMessagePage(title: string, message: string): string {
  return page(`${title} — Mock Bitbucket`, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

const LABELS: Record<string, string> = {
  account: 'Account: Read',
  'account:write': 'Account: Write',
  email: 'Email: Read',
  PUBLIC_REPOS: 'Public repositories: Read',
  REPO_READ: 'Repositories: Read',
  REPO_WRITE: 'Repositories: Write',
  REPO_ADMIN: 'Repositories: Admin',
  PROJECT_ADMIN: 'Projects: Admin',
};

/** Human-readable labels for scopes ("email" → "Email: Read"). */
export function scopeLabels(scopes: readonly string[]): string[] {
  return scopes.map((scope) => {
    const known = LABELS[scope];
    if (known) return known;
    const colon = scope.indexOf(':');
    const name = colon < 0 ? scope : scope.slice(0, colon);
    const level = colon < 0 ? 'read' : scope.slice(colon + 1);
    return `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${level.charAt(0).toUpperCase()}${level.slice(1)}`;
  });
}
