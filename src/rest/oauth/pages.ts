import type { Context } from 'hono';

/** Text for HTML: the five characters that could end an element or an attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const ASSET_PATH = '/oauth/assets';

/** What a scope lets the application do, in words. */
const SCOPE_WORDS: Record<string, string> = {
  read: 'read what your account may read',
  write: 'change what your account may change',
  admin: 'read and change what your account may administer',
  follow: 'nothing more (follow is accepted for Mastodon clients)',
  push: 'nothing more (push is accepted for Mastodon clients)',
};

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${ASSET_PATH}/sign-in.css">
<script src="${ASSET_PATH}/sign-in.js" defer></script>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const errorBox = (error?: string) => (error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : '');

export function signInPage(o: { appName: string; formToken: string; username?: string; error?: string }): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">to continue to <strong>${escapeHtml(o.appName)}</strong></p>
${errorBox(o.error)}
<form method="post" action="/oauth/authorize" id="sign-in">
<input type="hidden" name="form_token" value="${escapeHtml(o.formToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="320" value="${escapeHtml(o.username ?? '')}"${o.username ? '' : ' data-focus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024"${o.username ? ' data-focus' : ''}>
<button type="submit" id="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(o: { appName: string; username: string; scopes: string[]; formToken: string }): string {
  const scopes = o.scopes.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(SCOPE_WORDS[s.split(':')[0]] ?? s)}</li>`).join('');
  const choice = (decision: 'allow' | 'deny', label: string, extra = '') =>
    `<form method="post" action="/oauth/authorize"><input type="hidden" name="form_token" value="${escapeHtml(o.formToken)}"><input type="hidden" name="decision" value="${decision}"><button type="submit" id="${decision}"${extra}>${label}</button></form>`;
  return layout(
    'Allow access?',
    `<h1>Allow access?</h1>
<p class="lead"><strong>${escapeHtml(o.appName)}</strong> asks to act as <strong>${escapeHtml(o.username)}</strong>. It will be able to:</p>
<ul class="scopes">${scopes || '<li>act with no more than your account may</li>'}</ul>
<p>It never gets more than your account holds. You can end its access at any time by ending the session.</p>
<div class="choices">${choice('deny', 'Deny', ' class="secondary"')}${choice('allow', 'Allow')}</div>`,
  );
}

export function codePage(code: string): string {
  return layout(
    'Your code',
    `<h1>Your code</h1>
<p class="lead">Copy this code into the application. It works once, within a few minutes.</p>
<code id="code">${escapeHtml(code)}</code>
<button type="button" id="copy-code" hidden>Copy</button>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>${errorBox(message)}`);
}

/**
 * A page with its security headers: a CSP that allows only the gateway's own script and
 * stylesheet, forms posting to the gateway and (since Chrome applies form-action to the redirect
 * that follows) to the exact origin the authorization answers to; never framed, never stored.
 */
export function sendPage(c: Context, html: string, status: 200 | 400 | 401 | 403 | 429 | 503, formTargets: string[] = []): Response {
  const formAction = ["'self'", ...new Set(formTargets)].join(' ');
  return c.html(html, status, {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
}
