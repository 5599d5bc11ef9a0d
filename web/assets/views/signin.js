/** Sign in with a user API key; it is checked against the API before it is kept. */
import { api, credentials } from '../api.js';
import { h } from '../dom.js';

export function renderSignIn(root, onSignedIn) {
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'api-key-help' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in card', 'aria-labelledby': 'sign-in-title', onsubmit: (event) => signIn(event) },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { class: 'hint', id: 'api-key-help' }, 'Your user API key (wfk_…). It is kept only in this tab.'),
    error,
    submit,
  );

  async function signIn(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    error.textContent = '';
    try {
      const me = await api('GET', '/me', undefined, key);
      credentials.set(key);
      onSignedIn(me);
    } catch (failure) {
      error.textContent = failure.status === 401 ? 'That API key was not accepted.' : `Cannot sign in: ${failure.message}`;
      submit.disabled = false;
      input.focus();
    }
  }

  root.replaceChildren(form);
  input.focus();
}
