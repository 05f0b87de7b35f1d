// The console's shell: sign in and out, the hash router (ids only in the URL, never the key), the flash line.
import {api, session, listSchedules} from './api.js';
import {h, field, select, replace} from './dom.js';
import {viewerZone, cadenceInWords, formatTime, formatLag, targetInWords} from './format.js';
import {schedulePage} from './schedule.js';
import {flash, navigate, showProblem, takePendingFlash, setRouter} from './ui.js';
import {formPage} from './form.js';

const main = () => document.getElementById('main');

function signInPage() {
  const key = h('input', {type: 'password', autocomplete: 'off', spellcheck: 'false', required: true});
  const problem = h('div', {class: 'problem', role: 'alert'});
  const form = h('form', {class: 'sign-in', 'aria-labelledby': 'sign-in-title'},
    h('h1', {id: 'sign-in-title'}, 'Sign in'),
    h('p', {}, 'Use your Letta API key. It stays in this browser tab and is sent only to Punctual, '
      + 'which checks it with Letta like every API call. Signing out or closing the tab forgets it.'),
    problem,
    field('api_key', 'Letta API key', key),
    h('button', {type: 'submit', id: 'sign-in-button'}, 'Sign in'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.textContent = '';
    const value = key.value.trim();
    if (!value) { problem.textContent = 'Enter your Letta API key.'; return; }
    try {
      await api.verify(value);
      session.signIn(value);
      key.value = '';
      flash('');
      navigate('#/schedules');
    } catch (e) {
      problem.textContent = e.status === 401 ? 'Letta does not accept this key.' : e.message;
    }
  });
  replace(main(), form);
  key.focus();
}

const listState = {filters: {status: '', agent: '', label: ''}, cursors: [null]};

async function listPage() {
  const {filters} = listState;
  const status = select([['', 'any'], ['active', 'active'], ['paused', 'paused'], ['completed', 'completed']], filters.status);
  const agent = h('input', {type: 'text', value: filters.agent, placeholder: 'agent-123'});
  const label = h('input', {type: 'text', value: filters.label, placeholder: 'team=ops'});
  const filterForm = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter schedules'},
    field('status', 'Status', status), field('agent_id', 'Agent', agent), field('label', 'Label', label),
    h('button', {type: 'submit'}, 'Filter'));
  filterForm.addEventListener('submit', event => {
    event.preventDefault();
    listState.filters = {status: status.value, agent: agent.value.trim(), label: label.value.trim()};
    listState.cursors = [null];
    listPage();
  });
  const body = h('tbody', {});
  const pager = h('div', {class: 'pager'});
  replace(main(),
    h('h1', {}, 'Schedules'),
    h('div', {class: 'actions'}, h('a', {class: 'button', href: '#/new'}, 'New schedule')),
    filterForm,
    h('table', {id: 'schedules'},
      h('caption', {}, 'Times in your zone, ' + viewerZone + '.'),
      h('thead', {}, h('tr', {},
        ['Schedule', 'Status', 'Target', 'Cadence', 'Next fire', 'Last outcome', 'Lag'].map(t => h('th', {scope: 'col'}, t)))),
      body),
    pager);
  const cursor = listState.cursors[listState.cursors.length - 1];
  let page;
  try {
    page = await listSchedules({limit: 25, cursor, status: filters.status, agent: filters.agent, label: filters.label});
  } catch (e) {
    showProblem(e);
    return;
  }
  if (page.items.length === 0) {
    // A filtered page may come back empty and still have a next cursor: the API stops scanning after a while.
    body.append(h('tr', {}, h('td', {colspan: 7, class: 'muted'},
      page.next ? 'No schedules on this page; there may be more on the next.' : 'No schedules here.')));
  }
  for (const s of page.items) {
    const last = s.last_fire;
    body.append(h('tr', {dataset: {id: s.id}},
      h('td', {}, h('a', {href: '#/schedule/' + encodeURIComponent(s.id), class: 'mono'}, s.id),
        s.labels && Object.keys(s.labels).length ? h('div', {class: 'muted'},
          Object.entries(s.labels).map(([k, v]) => k + '=' + v).join(', ')) : null),
      h('td', {}, h('span', {class: 'badge ' + s.status}, s.status)),
      h('td', {}, targetInWords(s)),
      h('td', {}, cadenceInWords(s.schedule)),
      h('td', {}, s.status === 'completed' ? '—' : formatTime(s.next_fire_at, viewerZone)),
      h('td', {}, last && last.outcome ? h('span', {class: 'badge ' + last.outcome.toLowerCase()}, last.outcome.toLowerCase()) : '—'),
      h('td', {}, last ? formatLag(last.lateness_ms) : '—')));
  }
  if (listState.cursors.length > 1) {
    pager.append(h('button', {type: 'button', class: 'secondary', onclick: () => { listState.cursors.pop(); listPage(); }}, 'Previous page'));
  }
  pager.append(h('span', {class: 'muted'}, 'Page ' + listState.cursors.length));
  if (page.next) {
    pager.append(h('button', {type: 'button', id: 'next-page', onclick: () => { listState.cursors.push(page.next); listPage(); }}, 'Next page'));
  }
}

async function route() {
  const signedIn = Boolean(session.key());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  if (!signedIn) {
    signInPage();
    return;
  }
  const path = location.hash.replace(/^#/, '') || '/schedules';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  main().focus();
  try {
    if (parts[0] === 'schedule' && parts[1] && parts[2] === 'edit') await formPage(parts[1]);
    else if (parts[0] === 'schedule' && parts[1]) await schedulePage(parts[1]);
    else if (parts[0] === 'new') await formPage(null);
    else await listPage();
  } catch (e) {
    showProblem(e);
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  listState.cursors = [null];
  navigate('#/schedules', 'Signed out. The key is forgotten.');
});
document.getElementById('viewer-zone').textContent = 'Your zone: ' + viewerZone;
setRouter(route);
window.addEventListener('hashchange', () => { flash(takePendingFlash()); route(); });
route();
