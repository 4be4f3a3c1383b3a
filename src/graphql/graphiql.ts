import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * The gateway's GraphiQL page: yoga's bundled GraphiQL (no CDN) with a sign-in step and an example
 * query that works once signed in. The page is the same for everyone and holds no token: the
 * sign-in box calls `login`, keeps the tokens in the tab's sessionStorage, and the page adds
 * `Authorization: Bearer <access token>` to GraphiQL's requests to /graphql (unless the headers pane
 * sets one), trading the refresh token for new tokens shortly before the access token expires.
 */

export const EXAMPLE_QUERY = `# Sign in with the box at the top right (the page then sends your token with every request),
# then run this with the ▶ button or Ctrl-Enter.
query FirstQuery {
  viewer {
    username
    roles { name }
  }
  users(first: 5) {
    totalCount
    edges { node { id username email status } }
  }
}
`;

export function graphiqlOptions(): GraphiQLOptions {
  return { title: 'Admin gateway', defaultQuery: EXAMPLE_QUERY };
}

/**
 * Runs in the page, before GraphiQL (plain JavaScript: a compiled function's text could carry
 * helpers the page does not have). DOM calls only (no HTML built from data); the tokens live in
 * sessionStorage (gone with the tab) and are sent only to this origin's GraphQL endpoint.
 */
const SIGN_IN = `(function (endpoint) {
  var KEY = 'admin-gateway:graphiql-session';
  var TOKENS = 'accessToken refreshToken expiresAt user { username }';
  var realFetch = window.fetch.bind(window);
  var session = null;
  try { session = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { session = null; }
  var refreshing = null;
  var render = function () {};
  function save(next) {
    session = next;
    if (next) sessionStorage.setItem(KEY, JSON.stringify(next)); else sessionStorage.removeItem(KEY);
    render();
  }
  function call(query, variables, token) {
    var headers = { 'content-type': 'application/json', 'x-graphql-yoga-csrf': 'graphiql' };
    if (token) headers.authorization = 'Bearer ' + token;
    return realFetch(endpoint, { method: 'POST', headers: headers, body: JSON.stringify({ query: query, variables: variables }) })
      .then(function (res) { return res.json(); });
  }
  function signedIn(a) {
    return { username: a.user.username, accessToken: a.accessToken, refreshToken: a.refreshToken, expiresAt: a.expiresAt };
  }
  // The access token, refreshed when it has less than 30 s left; null when signed out.
  function accessToken() {
    var current = session;
    if (!current) return Promise.resolve(null);
    if (Date.parse(current.expiresAt) - Date.now() > 30000) return Promise.resolve(current.accessToken);
    if (!refreshing) {
      refreshing = call('mutation Refresh($t: String!) { refreshToken(input: { refreshToken: $t }) { ' + TOKENS + ' } }', { t: current.refreshToken })
        .then(function (answer) {
          var next = answer.data && answer.data.refreshToken;
          save(next ? signedIn(next) : null);
          return next ? next.accessToken : null;
        }, function () { return null; })
        .finally(function () { refreshing = null; });
    }
    return refreshing;
  }
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!session || url.origin !== location.origin || url.pathname !== endpoint) return realFetch(input, init);
    var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (headers.has('authorization')) return realFetch(input, init);
    return accessToken().then(function (token) {
      if (token) headers.set('authorization', 'Bearer ' + token);
      return realFetch(input, Object.assign({}, init, { headers: headers }));
    });
  };
  function el(tag, props) {
    var node = Object.assign(document.createElement(tag), props || {});
    for (var i = 2; i < arguments.length; i++) node.append(arguments[i]);
    return node;
  }
  var box = el('div', { id: 'gateway-sign-in' });
  box.style.cssText = 'position:fixed;top:8px;right:210px;z-index:1000;font:13px system-ui,sans-serif;background:#fff;color:#222;'
    + 'border:1px solid #ccc;border-radius:6px;padding:6px 8px;box-shadow:0 1px 4px rgba(0,0,0,.15)';
  render = function () {
    box.replaceChildren();
    var current = session;
    if (current) {
      var out = el('button', { type: 'button', textContent: 'Sign out' });
      out.onclick = function () {
        call('mutation { logout { loggedOut } }', {}, current.accessToken).finally(function () { save(null); });
      };
      box.append(el('span', { className: 'signed-in', textContent: 'Signed in as ' + current.username + ' ' }), out);
      return;
    }
    var username = el('input', { name: 'username', placeholder: 'username', autocomplete: 'username', size: 12 });
    var password = el('input', { name: 'password', type: 'password', placeholder: 'password', autocomplete: 'current-password', size: 12 });
    var problem = el('span', { className: 'problem' });
    problem.style.color = '#b00';
    var form = el('form', {}, username, ' ', password, ' ', el('button', { type: 'submit', textContent: 'Sign in' }), ' ', problem);
    form.onsubmit = function (event) {
      event.preventDefault();
      problem.textContent = '';
      call('mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { ' + TOKENS + ' } }', { u: username.value, p: password.value })
        .then(function (answer) {
          var tokens = answer.data && answer.data.login;
          if (tokens) save(signedIn(tokens));
          else problem.textContent = (answer.errors && answer.errors[0] && answer.errors[0].message) || 'Sign-in failed';
        }, function () { problem.textContent = 'The gateway did not answer'; });
    };
    box.append(form);
  };
  render();
  document.addEventListener('DOMContentLoaded', function () { document.body.append(box); });
})`;

/** Yoga's rendered page with the sign-in step, which runs before GraphiQL's own script. */
export function withSignIn(html: string, endpoint = '/graphql'): string {
  const script = `<script>${SIGN_IN}(${JSON.stringify(endpoint)});</script>`;
  return html.replace('</head>', () => `${script}</head>`);
}
