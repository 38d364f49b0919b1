// The PR page: fields, the rendered description, the milestone history from git, the lease, and
// the few actions a person may take, each confirmed first and sent with the person as the agent.
import { h, clean, lines, duration, time } from './dom.js';
import * as api from './api.js';
import { renderMarkdown } from './markdown.js';

const HOT = ['investigating', 'planning', 'in-progress', 'under-review'];
const PERSON = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const PERSON_KEY = 'thermocline.person';

// Cold → cold moves a person may make, as the transition table allows them from the effective state.
const ACTIONS = [
  { action: 'approve', label: 'Approve', from: ['completed'], to: 'approved' },
  { action: 'broken', label: 'Mark broken', from: ['completed', 'approved'], to: 'broken' },
  { action: 'block', label: 'Block', from: ['ready', 'planned'], to: 'blocked' },
  { action: 'ready', label: 'Unblock', from: ['blocked'], to: 'ready' },
  { action: 'release', label: 'Release stuck lease', from: HOT },
];

function field(name, value) {
  return [h('dt', null, name), h('dd', { data: { field: name } }, value ?? '—')];
}

const prLinks = (ids, byId) => (ids?.length
  ? ids.flatMap((d, k) => [k ? ', ' : '', h('a', { href: `#/pr/${d}` }, d), byId.get(d) ? ` (${byId.get(d).state})` : ' (not in the list)'])
  : 'none');

/** The view for one PR: { el, update(prs, changedId), event(e), leave() }. */
export function prPage(id, { store, refreshPr, toast, confirmAction, leaseEl }) {
  const fields = h('dl', { class: 'pr-fields' });
  const lease = h('div', { class: 'pr-lease-box' });
  const markdown = h('div', { class: 'pr-markdown' });
  const extra = h('div', { class: 'pr-extra' });
  const history = h('tbody');
  const actions = h('div', { class: 'actions' });
  const title = h('h2', null, id);
  const el = h('article', { id: 'pr-page', data: { pr: id } },
    h('p', { class: 'back' }, h('a', { href: '#/board' }, '← board')),
    title, fields,
    h('section', { class: 'pr-section' }, h('h3', null, 'Lease'), lease),
    h('section', { class: 'pr-section' }, h('h3', null, 'Act on this PR'), actions),
    h('section', { class: 'pr-section' }, h('h3', null, 'Description'), markdown, extra),
    h('section', { class: 'pr-section' }, h('h3', null, 'Milestones (from git)'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'pr-history' },
        h('thead', null, h('tr', null, ['commit', 'from → to', 'agent', 'fence', 'time', 'kind', 'reason'].map((c) => h('th', { scope: 'col' }, c)))),
        history))));
  let pr = null, details = null;

  const person = h('input', {
    id: 'person', type: 'text', autocomplete: 'username', maxlength: 64, spellcheck: 'false',
    'aria-describedby': 'person-help', value: localStorage.getItem(PERSON_KEY) ?? '',
  });
  const personHelp = h('p', { id: 'person-help', class: 'hint' },
    'Your name is the agent in the commit: 1–64 letters, digits, . _ - or @, starting with a letter or digit.');
  const reason = h('input', { id: 'reason', type: 'text', maxlength: 500, placeholder: 'optional' });
  person.addEventListener('input', () => {
    const ok = PERSON.test(person.value);
    person.setAttribute('aria-invalid', String(!ok && person.value !== ''));
    if (ok) localStorage.setItem(PERSON_KEY, person.value);
  });
  const form = h('div', { class: 'act-form' },
    h('label', { for: 'person' }, 'Your name'), person, personHelp,
    h('label', { for: 'reason' }, 'Reason'), reason);

  function renderFields() {
    const c = details?.complexity;
    title.replaceChildren(h('span', { class: 'pr-id' }, pr.id), ' ', h('span', { class: 'pr-title' }, pr.title));
    el.dataset.state = pr.state;
    fields.replaceChildren(
      ...field('state', h('span', { class: 'pr-state', data: { state: pr.state } }, pr.state)),
      ...field('cold state', pr.coldState),
      ...field('hot state', pr.hotStateUnavailable ? 'unknown (Redis unavailable)' : pr.hotState ?? 'none'),
      ...field('priority', pr.priority),
      ...field('holder', pr.agent),
      ...field('dependencies', prLinks(pr.dependencies, store.byId)),
      ...field('waits for', prLinks(pr.unmetDependencies, store.byId)),
      ...field('claimable as', pr.claimableAs?.join(', ') || 'not claimable now'),
      ...(c ? field('complexity', [c.score != null ? `score ${c.score}` : '', c.estimatedMinutes != null ? `, about ${c.estimatedMinutes} min` : '',
        c.suggestedModel ? `, model ${clean(c.suggestedModel)}` : '', c.rationale ? ` — ${clean(c.rationale)}` : ''].join('') || '—') : []),
      ...(details?.discoveredFrom ? field('discovered from', prLinks([details.discoveredFrom], store.byId)) : []),
      ...(pr.note ? field('handoff note', h('span', { class: 'pr-note' }, `${clean(pr.note.agent)} (fence ${pr.note.fence}): `, h('span', { class: 'note-text' }, lines(pr.note.text)))) : []),
      ...(pr.taskListStale ? field('task list', 'does not parse at the branch: this is the last version that did') : []));
    lease.replaceChildren(pr.expiresAt
      ? leaseEl(pr, [`${clean(pr.agent ?? 'someone')} holds it in ${pr.state}${pr.fence != null ? ` with fence ${pr.fence}` : ''}; `,
        pr.heartbeatAt && h('span', { data: { heartbeatAt: pr.heartbeatAt } }, `heartbeat ${duration(pr.heartbeatAgeSeconds)} ago`), '; '])
      : h('p', { class: 'pr-lease' }, pr.hotStateUnavailable ? 'unknown: Redis is unavailable' : 'no lease: nobody holds this PR'));
    renderActions();
  }

  let shown = null;
  function renderActions() {
    const allowed = ACTIONS.filter((a) => a.from.includes(pr.state) && (a.action !== 'release' || pr.fence != null));
    const key = `${allowed.map((a) => a.action)}|${pr.hotStateUnavailable}|${pr.state}`;
    if (key === shown) return; // keeps the inputs (and the focus in them) while the PR ticks on
    shown = key;
    actions.replaceChildren(...(allowed.length && !pr.hotStateUnavailable
      ? [form, h('div', { class: 'buttons' }, allowed.map((a) =>
        h('button', { type: 'button', data: { action: a.action }, onclick: () => act(a) }, a.label)))]
      : [h('p', { class: 'hint' }, `Nothing a person does from the board applies to a PR in ${pr.state}.`)]));
  }

  async function act(a) {
    const name = person.value.trim();
    if (!PERSON.test(name)) {
      person.setAttribute('aria-invalid', 'true');
      person.focus();
      toast('Enter your name first: 1–64 letters, digits, . _ - or @, starting with a letter or digit.', true);
      return;
    }
    localStorage.setItem(PERSON_KEY, name);
    const seen = pr;
    const why = reason.value.trim() || `from the board by ${name}`;
    const text = a.action === 'release'
      ? `${seen.id} is held by ${clean(seen.agent ?? 'an agent')} in ${seen.state} under fence ${seen.fence}. Releasing drops that lease: ` +
        `the PR goes back to ${seen.coldState}, and ${clean(seen.agent ?? 'its holder')} can no longer heartbeat or finish it. ` +
        `Refused if the lease changed since this page read it. Done as ${name}; reason: ${why}.`
      : `${seen.id} (“${clean(seen.title)}”) moves from ${seen.state} to ${a.to}: the hub commits that to the task list on its branch ` +
        `with ${name} as the agent and the reason “${why}”.`;
    toast('');
    if (!(await confirmAction(text, a.label))) return;
    try {
      if (a.action === 'release') await api.releaseStuck(seen.id, name, seen.fence, why);
      else await api.transition(seen.id, name, a.to, why);
      toast(a.action === 'release' ? `${seen.id}: lease ${seen.fence} released.` : `${seen.id} is now ${a.to}.`);
      refreshPr(seen.id);
      loadHistory();
    } catch (e) {
      toast(`${seen.id}: ${a.label.toLowerCase()} refused: ${e.message}`, true);
    }
  }

  async function loadHistory() {
    try {
      const rows = await api.getLog(id);
      history.replaceChildren(...(rows.length ? rows.map((r) => h('tr', { data: { sha: r.sha } },
        h('td', null, h('code', { title: r.sha }, String(r.sha).slice(0, 10))),
        h('td', null, `${r.from} → ${r.to}`), h('td', null, r.agent), h('td', null, r.lease ?? '—'),
        h('td', null, time(r.timestamp)), h('td', null, r.kind), h('td', null, r.reason ?? '')))
        : [h('tr', null, h('td', { colspan: 7 }, 'No milestone in git yet.'))]));
    } catch (e) {
      if (e.status !== 401) history.replaceChildren(h('tr', null, h('td', { colspan: 7 }, `Could not read the history: ${e.message}`)));
    }
  }

  const missing = () => el.replaceChildren(h('p', { class: 'back' }, h('a', { href: '#/board' }, '← board')), h('h2', null, id),
    h('p', null, 'No such PR in the task list.'));

  async function load() {
    try {
      details = await api.getDetails(id);
      pr = store.byId.get(id) ?? api.withTimes(details.pr);
      markdown.replaceChildren(details.markdown?.trim() ? renderMarkdown(details.markdown) : h('p', { class: 'hint' }, 'No description.'));
      extra.replaceChildren(...(details.estimatedFiles?.length ? [h('h4', null, 'Estimated files'), h('ul', { class: 'files' },
        details.estimatedFiles.map((f) => h('li', null, h('code', null, f.path), f.action ? ` (${f.action})` : '', f.description ? ` — ${f.description}` : '')))] : []));
      renderFields();
    } catch (e) {
      if (e.status === 404) missing();
      else if (e.status !== 401) markdown.replaceChildren(h('p', { class: 'hint' }, `Could not read the description: ${e.message}`));
    }
  }

  load();
  loadHistory();
  return {
    el,
    update(prs, changed) {
      if (changed && changed !== id) return;
      const fresh = store.byId.get(id);
      if (!fresh) return store.loaded && !changed && missing(); // gone from the list
      const moved = !pr || fresh.coldState !== pr.coldState;
      pr = fresh;
      renderFields();
      if (moved) loadHistory();
    },
    event(e) { if (e.prId === id && (e.kind === 'cold-commit' || e.kind === 'edited')) { loadHistory(); if (e.kind === 'edited') load(); } },
  };
}
