/**
 * The pages. Every dynamic value goes through `html`, which escapes it; URLs from Bitbucket also go
 * through `httpUrl`. Styles are one inline sheet, allowed by its hash in the Content-Security-Policy.
 */
import { html, httpUrl, trusted, type SafeHtml } from './html';
import type { SignedInUser } from './user';

/** The only stylesheet; `app.ts` puts its SHA-256 in the CSP, so no other inline style can run. */
export const CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#172b4d;background:#f4f5f7}
.mock{background:#fff4c4;color:#533f04;border-bottom:1px solid #f5cd47;padding:8px 16px;text-align:center;font-size:13px}
main{max-width:600px;margin:48px auto 24px;padding:32px 36px;background:#fff;border-radius:12px;box-shadow:0 1px 2px rgba(9,30,66,.2),0 4px 16px rgba(9,30,66,.08)}
h1{font-size:24px;line-height:1.25;margin:0 0 4px}
h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#5e6c84;margin:28px 0 8px}
p{margin:8px 0}
a{color:#0052cc}
.muted{color:#5e6c84}
.fine{color:#6b778c;font-size:13px;margin-top:24px}
.logo{color:#0052cc}
.logo svg{width:40px;height:40px}
.actions{display:flex;flex-direction:column;gap:12px;margin-top:24px}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:10px;padding:10px 18px;border-radius:6px;border:1px solid transparent;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.btn svg{width:18px;height:18px}
.primary{background:#0052cc;color:#fff}.primary:hover{background:#0747a6}
.secondary{background:#fff;color:#172b4d;border-color:#c1c7d0}.secondary:hover{background:#f4f5f7}
.btn:focus-visible{outline:3px solid #4c9aff;outline-offset:2px}
.who{display:flex;align-items:center;gap:18px}
.avatar{width:72px;height:72px;border-radius:50%;background:#dfe1e6;flex:none}
ul.emails{list-style:none;padding:0;margin:0}
ul.emails li{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:6px 0;border-bottom:1px solid #ebecf0}
ul.emails li:last-child{border-bottom:0}
.badge{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;padding:1px 6px;border-radius:3px}
.b-primary{background:#deebff;color:#0747a6}.b-ok{background:#e3fcef;color:#006644}.b-warn{background:#fffae6;color:#974f0c}
dl{display:grid;grid-template-columns:10.5rem 1fr;gap:6px 16px;margin:0}
dt{color:#5e6c84}dd{margin:0;min-width:0;overflow-wrap:anywhere}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f5f7;padding:1px 4px;border-radius:3px}
.chip{display:inline-block;margin:0 4px 4px 0;padding:1px 8px;border-radius:10px;background:#ebecf0;font-size:13px}
.error{padding:12px 14px;border-radius:6px;background:#ffebe6;color:#bf2600;margin:16px 0}
form{margin:0}
footer{text-align:center;color:#6b778c;font-size:12px;margin-bottom:32px}
`;

/**
 * The `<style>` element, built outside any `html` template so that no formatter can add whitespace
 * inside it: the CSP hash covers its exact text.
 */
const STYLE_ELEMENT = trusted(`<style>${CSS}</style>`);

/** The Bitbucket mark (Simple Icons, CC0), decorative: the button text carries the meaning. */
const BITBUCKET_ICON = trusted(
  '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M.778 1.213a.768.768 0 0 0-.768.892l3.263 19.81c.084.5.515.868 1.022.873H19.95a.772.772 0 0 0 .77-.646l3.27-20.03a.768.768 0 0 0-.768-.891zM14.52 15.53H9.522L8.17 8.466h7.561z"/></svg>',
);

/** What every page needs to know about the app. */
export interface PageContext {
  /** Set in mock mode: shown in a banner on every page. */
  mockURL?: string | undefined;
  /** Which sign-in buttons exist. */
  oauth2: boolean;
  oauth1: boolean;
}

function layout(ctx: PageContext, title: string, content: SafeHtml): string {
  const banner = ctx.mockURL
    ? html`<div class="mock" role="note">
        <strong>Demo mode:</strong> sign-in uses a mock Bitbucket at ${ctx.mockURL}, not bitbucket.org. No real account
        is needed.
      </div>`
    : null;
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Bitbucket sign-in example</title>
        <link rel="icon" href="data:," />
        ${STYLE_ELEMENT}
      </head>
      <body>
        ${banner}
        <main>${content}</main>
        <footer>passport-bitbucket-oauth · login example</footer>
      </body>
    </html>`.value;
}

/** Signed out: the sign-in buttons. */
export function signedOutPage(ctx: PageContext): string {
  const none = !ctx.oauth2 && !ctx.oauth1 ? html`<p class="error">No Bitbucket consumer is configured.</p>` : null;
  return layout(
    ctx,
    'Sign in',
    html`<div class="logo">${BITBUCKET_ICON}</div>
      <h1>Sign in to the example app</h1>
      <p class="muted">This page signs you in with your Bitbucket account using passport-bitbucket-oauth.</p>
      <div class="actions">
        ${ctx.oauth2 ? html`<a class="btn primary" href="/auth/bitbucket">${BITBUCKET_ICON}Sign in with Bitbucket</a>` : null}
        ${ctx.oauth1 ? html`<a class="btn secondary" href="/auth/bitbucket-oauth1">Sign in with Bitbucket (OAuth 1.0a)</a>` : null}
      </div>
      ${none}
      <p class="fine">The app reads your name, avatar and email addresses. It does not keep your access tokens.</p>`,
  );
}

/** "in 1 hour 59 minutes", or "expired". */
function untilText(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.ceil(ms / 60000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? `${h} hour${h === 1 ? '' : 's'}` : '', m ? `${m} minute${m === 1 ? '' : 's'}` : ''].filter(
    Boolean,
  );
  return `in ${parts.join(' ')}`;
}

function expiryText(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'Bitbucket did not say';
  const at = new Date(expiresAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${untilText(expiresAt - now)} (${at} UTC)`;
}

function emailList(user: SignedInUser): SafeHtml {
  if (user.emails.length === 0) {
    return html`<p class="muted">
      No email address was shared${user.emailsProblem ? html`: ${user.emailsProblem}` : '.'}
    </p>`;
  }
  // NOTE: Data Center does not say whether an address is verified, so no mark is better than a wrong one.
  const cloud = user.deployment === 'cloud';
  const items = user.emails.map(
    (e) =>
      html`<li>
        <span>${e.value}</span>${e.primary ? html`<span class="badge b-primary">primary</span>` : null}${
          e.verified
            ? html`<span class="badge b-ok">verified</span>`
            : cloud
              ? html`<span class="badge b-warn">unverified</span>`
              : null
        }
      </li>`,
  );
  return html`<ul class="emails">
    ${items}
  </ul>`;
}

/** The user's Bitbucket Cloud workspaces, administrators marked; nothing when they were not read. */
function workspaceList(user: SignedInUser): SafeHtml | null {
  const list = user.workspaces;
  if (!list) return null;
  const items =
    list.length === 0
      ? html`<p class="muted">No workspace.</p>`
      : html`<ul class="emails">
          ${list.map(
            (w) =>
              html`<li>
                <span>${w.name}</span>
                <code>${w.slug}</code
                >${w.administrator ? html`<span class="badge b-primary">administrator</span>` : null}
              </li>`,
          )}
        </ul>`;
  return html`<h2>Workspaces</h2>
    ${items}`;
}

/** Signed in: the normalized profile and what was granted; never a token. */
export function signedInPage(ctx: PageContext, user: SignedInUser, now = Date.now()): string {
  const avatar = httpUrl(user.avatarURL);
  const profile = httpUrl(user.profileURL);
  const scopes =
    user.scopes === null
      ? html`<span class="muted">Bitbucket did not say</span>`
      : user.scopes.length === 0
        ? html`<span class="muted">none</span>`
        : user.scopes.map((s) => html`<span class="chip">${s}</span>`);
  return layout(
    ctx,
    user.displayName,
    html`<div class="who">
        ${avatar ? html`<img class="avatar" src="${avatar}" alt="" width="72" height="72" referrerpolicy="no-referrer" />` : html`<div class="avatar"></div>`}
        <div>
          <p class="muted">Signed in as</p>
          <h1>${user.displayName}</h1>
          <p class="muted">
            ${user.username ? html`@${user.username}` : 'no username'}${profile ? html` · <a href="${profile}" rel="noopener noreferrer">Bitbucket profile</a>` : null}
          </p>
        </div>
      </div>
      <h2>Email addresses</h2>
      ${emailList(user)} ${workspaceList(user)}
      <h2>Account</h2>
      <dl>
        ${
          user.accountId
            ? html`<dt>Atlassian account ID</dt>
                <dd><code>${user.accountId}</code></dd>`
            : null
        }
        <dt>${user.deployment === 'cloud' ? 'Bitbucket UUID' : 'User ID'}</dt>
        <dd><code>${user.id}</code></dd>
        <dt>Bitbucket</dt>
        <dd>${user.deployment === 'cloud' ? 'Cloud' : 'Data Center'}</dd>
      </dl>
      <h2>This sign-in</h2>
      <dl>
        <dt>Protocol</dt>
        <dd>${user.protocol}</dd>
        <dt>Granted scopes</dt>
        <dd>${scopes}</dd>
        <dt>Access token expires</dt>
        <dd>${expiryText(user.expiresAt, now)}</dd>
      </dl>
      <div class="actions">
        <form method="post" action="/logout"><button class="btn secondary" type="submit">Sign out</button></form>
      </div>`,
  );
}

/** Sign-in did not complete: the reason in plain words. */
export function failurePage(ctx: PageContext, message: string | undefined, stillSignedIn = false): string {
  // A replayed or forged callback fails, but a user already signed in stays signed in: say that, not the opposite.
  return layout(
    ctx,
    'Sign-in failed',
    html`<h1>${stillSignedIn ? 'This sign-in did not complete; you are still signed in' : 'You are not signed in'}</h1>
      <p class="error" role="alert">${message ?? 'The sign-in did not complete. Please try again.'}</p>
      <div class="actions"><a class="btn primary" href="/">${stillSignedIn ? 'Home' : 'Back to sign-in'}</a></div>`,
  );
}

/** 404 and 500 share one plain page; nothing about the error itself is shown. */
export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <div class="actions"><a class="btn secondary" href="/">Home</a></div>`,
  );
}
