/** The console's shell: sign-in, the two sections (inbox, flows) by URL hash, sign-out. */
import { credentials, whenUnauthorized } from './api.js';
import { h } from './dom.js';
import { createFlowsPage } from './views/flows.js';
import { createInbox } from './views/inbox.js';
import { renderSignIn } from './views/signin.js';

const main = document.getElementById('main');
const nav = document.querySelector('.sections');
const signOutButton = document.querySelector('.sign-out');
const connection = document.querySelector('.connection');
let page = null;

const CONNECTION_TEXT = { live: 'Live', offline: 'Reconnecting…' };

function showConnection(state, detail) {
  connection.hidden = false;
  connection.dataset.state = state;
  connection.textContent = CONNECTION_TEXT[state] ?? state;
  connection.title = detail ?? '';
}

function route() {
  page?.destroy();
  page = null;
  const signedIn = credentials.get() !== null;
  nav.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
  connection.hidden = true;
  if (!signedIn) return renderSignIn(main, () => navigate('#/inbox'));
  const section = location.hash === '#/flows' ? 'flows' : 'inbox';
  for (const item of nav.querySelectorAll('a')) {
    if (item.dataset.section === section) item.setAttribute('aria-current', 'page');
    else item.removeAttribute('aria-current');
  }
  page = section === 'flows' ? createFlowsPage({ root: main }) : createInbox({ root: main, onConnection: showConnection });
  page.ready.catch((error) => main.prepend(h('p', { class: 'form-error', role: 'alert' }, `Could not load: ${error.message}`)));
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function signOut() {
  credentials.clear();
  navigate('#/');
}

whenUnauthorized(() => {
  if (credentials.get() !== null) signOut();
});
signOutButton.addEventListener('click', signOut);
window.addEventListener('hashchange', route);
route();
