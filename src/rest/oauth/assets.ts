/**
 * The one script and the one stylesheet of the sign-in, consent and code pages, served by the
 * gateway itself (no CDN, no inline script or style: the pages' CSP allows only 'self').
 */
export const SIGN_IN_SCRIPT = `'use strict';
// Sign-in pages of the admin gateway: one submission per form (a second click would post the
// one-time form again), a busy state while it goes, and copying an out-of-band code.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-sent') === '1') {
        event.preventDefault();
        return;
      }
      form.setAttribute('data-sent', '1');
      document.body.classList.add('busy');
    });
  });
  var copy = document.getElementById('copy-code');
  var code = document.getElementById('code');
  if (copy && code && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      navigator.clipboard.writeText(code.textContent || '').then(function () {
        copy.textContent = 'Copied';
      });
    });
  }
  var field = document.querySelector('input[data-focus]');
  if (field) field.focus();
});
`;

export const SIGN_IN_STYLES = `:root { color-scheme: light dark; --accent: #3b5bdb; --bad: #c92a2a; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; font: 16px/1.5 system-ui, sans-serif; background: Canvas; color: CanvasText; }
main { width: min(24rem, 92vw); padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); border-radius: 12px; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
p.lead { margin: 0 0 1.5rem; opacity: .8; }
label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid color-mix(in srgb, CanvasText 35%, transparent); border-radius: 8px; background: Field; color: FieldText; }
button { margin-top: 1.5rem; width: 100%; padding: .7rem; font: inherit; font-weight: 600; border: 0; border-radius: 8px; background: var(--accent); color: white; cursor: pointer; }
button.secondary { background: transparent; color: CanvasText; border: 1px solid color-mix(in srgb, CanvasText 35%, transparent); }
.error { margin: 0 0 1rem; padding: .6rem .8rem; border-radius: 8px; color: var(--bad); border: 1px solid var(--bad); }
.choices { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.choices form button { margin-top: 1rem; }
ul.scopes { padding-left: 1.2rem; }
code#code { display: block; padding: .8rem; margin: 1rem 0; word-break: break-all; font-size: 1.1rem; border-radius: 8px; background: color-mix(in srgb, CanvasText 8%, transparent); }
body.busy button { opacity: .6; cursor: progress; }
`;

/** The avatar Mastodon clients show for an account (the gateway keeps no avatar images). */
export const DEFAULT_AVATAR = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#dee2e6"/><circle cx="32" cy="25" r="12" fill="#868e96"/><path d="M10 60c2-13 11-20 22-20s20 7 22 20z" fill="#868e96"/></svg>
`;
