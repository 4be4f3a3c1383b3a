import type { Env, Hono } from 'hono';
import { servePage } from '../page.js';

/**
 * Litecord sends invited people to /invite_register.html. Plain HTML and a small script from the
 * gateway itself (no CDN); the script calls the public registerWithInvite mutation.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Register with an invite</title>
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
<h1>Register with an invite</h1>
<form id="register" novalidate>
  <label for="code">Invite code</label>
  <input id="code" name="code" required autocomplete="off">
  <label for="username">Username</label>
  <input id="username" name="username" required autocomplete="username">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required autocomplete="email">
  <label for="password">Password (at least 8 characters)</label>
  <input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
  <button type="submit">Register</button>
</form>
<div id="status" role="status" aria-live="polite"></div>
<script src="/invite_register.js"></script>
</body>
</html>
`;

const SCRIPT = `(() => {
  const form = document.getElementById('register');
  const status = document.getElementById('status');
  const code = new URLSearchParams(location.search).get('code');
  if (code) form.code.value = code;
  const show = (kind, text) => { status.className = kind; status.textContent = text; };
  const MUTATION = 'mutation Register($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) { __typename ' +
    '... on RegisterWithInviteSuccess { account { username } } ... on Error { message } ... on BadInputError { fields { path message } } } }';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = { code: form.code.value.trim(), username: form.username.value.trim(), email: form.email.value.trim(), password: form.password.value };
    form.querySelector('button').disabled = true;
    try {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MUTATION, variables: { input } }) });
      const body = await res.json();
      const result = body.data && body.data.registerWithInvite;
      if (result && result.account) {
        show('ok', 'Welcome, ' + result.account.username + '! Your account is ready: sign in with your username and password.');
        form.reset();
      } else if (result) {
        const details = (result.fields || []).map((f) => f.path[f.path.length - 1] + ': ' + f.message).filter((d) => !d.startsWith('code:'));
        show('error', result.message + (details.length ? ' (' + details.join('; ') + ')' : ''));
      } else {
        show('error', (body.errors && body.errors[0] && body.errors[0].message) || 'Registration failed');
      }
    } catch (error) {
      show('error', 'Could not reach the server; try again.');
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
})();
`;

export function registerPageRoutes<E extends Env>(app: Hono<E>): void {
  servePage(app, { pagePath: '/invite_register.html', html: PAGE, scriptPath: '/invite_register.js', script: SCRIPT });
}
