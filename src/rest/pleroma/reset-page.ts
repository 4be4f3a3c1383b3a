import type { Env, Hono } from 'hono';
import { servePage } from '../page.js';

/**
 * Where Pleroma's password reset link points (`GET /users/:nickname/password_reset` answers
 * `{token, link}`; admin-fe shows the link for the admin to pass on): `/api/pleroma/password_reset/<token>`,
 * as Pleroma's own page. Plain HTML and a small script from the gateway (no CDN, strict CSP); the
 * script sends the token from the address and the new password to the public resetPassword mutation.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Choose a new password</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #888; border-radius: 4px; }
  button { margin-top: 1.5rem; padding: .6rem 1.2rem; font: inherit; }
  #status { margin-top: 1.5rem; padding: .75rem; border-radius: 4px; display: none; }
  #status.error { display: block; background: #fde7e9; color: #8a1c1c; }
  #status.ok { display: block; background: #e6f4ea; color: #1e5631; }
</style>
</head>
<body>
<h1>Choose a new password</h1>
<form id="reset" novalidate>
  <label for="password">New password (at least 8 characters)</label>
  <input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
  <label for="confirm">The same password again</label>
  <input id="confirm" name="confirm" type="password" required minlength="8" autocomplete="new-password">
  <button type="submit">Set password</button>
</form>
<div id="status" role="status" aria-live="polite"></div>
<script src="/api/pleroma/password_reset.js"></script>
</body>
</html>
`;

const SCRIPT = `(() => {
  const form = document.getElementById('reset');
  const status = document.getElementById('status');
  const token = decodeURIComponent(location.pathname.split('/').pop() || '');
  const show = (kind, text) => { status.className = kind; status.textContent = text; };
  const MUTATION = 'mutation Reset($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename ' +
    '... on Error { message } ... on BadInputError { fields { path message } } } }';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.password.value !== form.confirm.value) return show('error', 'The two passwords differ.');
    form.querySelector('button').disabled = true;
    try {
      const input = { token, newPassword: form.password.value };
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MUTATION, variables: { input } }) });
      const body = await res.json();
      const result = body.data && body.data.resetPassword;
      if (result && result.__typename === 'ResetPasswordSuccess') {
        show('ok', 'Your password is set: sign in with it.');
        form.reset();
      } else if (result) {
        const details = (result.fields || []).filter((f) => f.path[f.path.length - 1] !== 'token').map((f) => f.message);
        show('error', result.message + (details.length ? ' (' + details.join('; ') + ')' : ''));
      } else {
        show('error', (body.errors && body.errors[0] && body.errors[0].message) || 'The password could not be set');
      }
    } catch (error) {
      show('error', 'Could not reach the server; try again.');
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
})();
`;

export function pleromaResetPageRoutes<E extends Env>(app: Hono<E>): void {
  servePage(app, {
    pagePath: '/api/pleroma/password_reset/:token',
    html: PAGE,
    scriptPath: '/api/pleroma/password_reset.js',
    script: SCRIPT,
    headers: { 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' },
  });
}
