// The board's shell: the PR list kept in step with the hub's event stream, the hash router, the
// board view itself, the one-second clock for lease countdowns and heartbeat ages.
import { h, clean, duration, countdown } from './dom.js';
import * as api from './api.js';
import { dependencyView, isDone } from './graph.js';
import { prPage } from './pr.js';
import { activityView, healthView, showHealthHeader } from './status.js';

const COLUMNS = ['new', 'ready', 'planned', 'investigating', 'planning', 'in-progress', 'under-review', 'blocked',
  'completed', 'approved', 'broken'];
const HIDE_WHEN_EMPTY = new Set(['new', 'planned']);
// Kinds after which many PRs may have changed: re-read the whole list (debounced).
const MANY = new Set(['reset', 'recovered', 'hydrated', 'git-changed', 'dependency-commit', 'display-sync',
  'task-list-broken', 'task-list-repaired', 'started']);
// Kinds that change a PR's cold state, and so what its dependants wait for.
const COLD = new Set(['cold-commit', 'edited', 'added']);
const KINDS = ['started', 'hydrated', 'claimed', 'hot-transition', 'released', 'cold-commit', 'dependency-commit',
  'display-sync', 'conflict', 'swept', 'task-list-broken', 'task-list-repaired', 'error', 'stopped', 'git-changed',
  'recovered', 'edited', 'added', 'reset', 'overflow'];

/** What every view reads: the list in task-list order, by id, and the events seen. */
export const store = { prs: [], byId: new Map(), loaded: false, events: [], lastDisplaySync: null };
let seq = 0;
let view = null; // { name, el, update?(prs, changedId?), event?(e) }

const $ = (id) => document.getElementById(id);

// ---- keeping the list in step ------------------------------------------------------------------

/** A fetched PR, with the number of its request (an older answer never overwrites a newer one). */
function stamp(pr, at) {
  pr.seq = at;
  return api.withTimes(pr);
}

let fullRun = null, fullAgain = false, fullTimer = 0;

/** Re-reads /api/prs; a call while one runs makes it run once more (an event may be newer than its answer). */
export function refreshAll() {
  if (fullRun) { fullAgain = true; return fullRun; }
  fullRun = (async () => {
    do {
      fullAgain = false;
      const at = ++seq;
      try {
        const prs = await api.listPrs();
        if (!store.loaded) performance.mark('thermocline:prs-read');
        applyAll(prs.map((p) => stamp(p, at)));
      } catch (e) {
        if (e.status !== 401) toast(`Could not read the PR list: ${e.message}`, true);
      }
    } while (fullAgain);
  })().finally(() => { fullRun = null; });
  return fullRun;
}

function refreshAllSoon() {
  clearTimeout(fullTimer);
  fullTimer = setTimeout(refreshAll, 150);
}

const pending = new Set();
let pendingTimer = 0;

/** Re-reads single PRs, a burst of events for them coalesced into one read each. */
export function refreshPr(...ids) {
  for (const id of ids) pending.add(id);
  clearTimeout(pendingTimer);
  pendingTimer = setTimeout(async () => {
    const ids = [...pending];
    pending.clear();
    if (ids.length > 25) return refreshAll();
    await Promise.all(ids.map(async (id) => {
      const at = ++seq;
      try {
        applyOne(stamp(await api.getPr(id), at));
      } catch (e) {
        if (e.status === 404) refreshAllSoon(); // removed from the list, or renamed by a person's edit
        else if (e.status !== 401) toast(`Could not read ${id}: ${e.message}`, true);
      }
    }));
  }, 30);
}

function applyAll(prs) {
  const old = store.byId;
  store.prs = prs.map((p) => (old.get(p.id)?.seq > p.seq ? old.get(p.id) : p));
  store.byId = new Map(store.prs.map((p) => [p.id, p]));
  const first = !store.loaded;
  store.loaded = true;
  board.sync(store.prs);
  // For the bench and the tests: when the first list was on the board (performance.getEntriesByName).
  if (first) performance.mark('thermocline:board-rendered');
  view?.update?.(store.prs);
}

function applyOne(pr) {
  const old = store.byId.get(pr.id);
  if (!old) return refreshAllSoon(); // a new PR: its place in the list comes with the list
  if (old.seq > pr.seq) return;
  store.prs[store.prs.indexOf(old)] = pr;
  store.byId.set(pr.id, pr);
  board.put(pr);
  view?.update?.(store.prs, pr.id);
}

// ---- the event stream --------------------------------------------------------------------------

let source = null, retry = 0, retryTimer = 0;

function setLive(state, text) {
  const el = $('live');
  el.dataset.state = state;
  el.textContent = text ?? { live: 'live', connecting: 'reconnecting…', offline: 'offline' }[state];
}

function connect() {
  clearTimeout(retryTimer);
  source?.close();
  source = new EventSource('/api/events');
  // Every open, the first too, re-reads everything: events before it were not seen.
  source.onopen = () => { retry = 0; setLive('live'); refreshAll(); };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The hub answered with an error (a 401, or it is stopping): EventSource gives up, so retry here.
      setLive('offline', 'offline, retrying…');
      api.getHealth().catch(() => {}); // a 401 sends the person to /login
      retryTimer = setTimeout(connect, Math.min(30000, 1000 * 2 ** retry++));
    } else setLive('connecting');
  };
  for (const kind of KINDS) source.addEventListener(kind, onEvent);
}

function onEvent(message) {
  let e;
  try { e = JSON.parse(message.data); } catch { return; }
  e.kind ??= message.type;
  store.events.unshift(e);
  if (store.events.length > 500) store.events.length = 500;
  if (e.kind === 'display-sync') store.lastDisplaySync = e.time;
  if (e.kind === 'overflow') { connect(); return; }
  if (MANY.has(e.kind)) refreshAllSoon();
  if (e.prId) {
    const dependants = COLD.has(e.kind) ? store.prs.filter((p) => p.dependencies?.includes(e.prId)).map((p) => p.id) : [];
    refreshPr(e.prId, ...dependants);
  }
  view?.event?.(e);
}

// ---- the board view ----------------------------------------------------------------------------

const fmtLease = (pr, left) => (left > 0 ? `lease ${countdown(left)}` : 'lease expired') + (pr.fence != null ? ` · fence ${pr.fence}` : '');

// A card's fixed part, cloned per PR: a clone costs far less than building each element (1,000 cards at once).
const CARD = h('article', { class: 'card', tabindex: 0 },
  h('div', { class: 'card-head' }, h('span', { class: 'pr-id' }), h('span', { class: 'pr-priority' }), h('span', { class: 'pr-state' })),
  h('a', { class: 'pr-title', tabindex: -1 }));

function card(pr) {
  const el = CARD.cloneNode(true);
  const [head, title] = el.children;
  const [id, priority, state] = head.children;
  el.dataset.pr = pr.id;
  el.dataset.state = pr.state;
  el.setAttribute('aria-label', `${pr.id}, ${pr.state}: ${clean(pr.title)}`);
  id.textContent = pr.id;
  priority.textContent = clean(pr.priority);
  priority.classList.add(`prio-${/^[a-z]+$/.test(pr.priority) ? pr.priority : 'other'}`);
  state.textContent = pr.state;
  title.textContent = clean(pr.title);
  title.href = `#/pr/${encodeURIComponent(pr.id)}`;
  el.append(...[
    pr.hotStateUnavailable && h('p', { class: 'pr-flag' }, 'Redis unavailable: holder and lease unknown'),
    pr.taskListStale && h('p', { class: 'pr-flag' }, 'task list does not parse: as last known'),
    (pr.hotState != null || pr.agent) && h('p', { class: 'pr-hot' },
      h('span', { class: 'pr-holder' }, pr.agent ?? 'no holder'),
      pr.heartbeatAt && h('span', { class: 'pr-heartbeat', data: { heartbeatAt: pr.heartbeatAt } }, `heartbeat ${duration(pr.heartbeatAgeSeconds)} ago`),
      pr.expiresAt && leaseEl(pr)),
    pr.note && h('p', { class: 'pr-note', title: clean(pr.note.text) },
      h('span', { class: 'label' }, `note from ${clean(pr.note.agent)}: `), pr.note.text),
    pr.unmetDependencies?.length > 0 && h('p', { class: 'pr-waits' }, `waits for ${pr.unmetDependencies.join(', ')}`),
  ].filter(Boolean));
  return el;
}

/** A lease countdown (class expiring under 30 s); the clock below keeps it ticking. */
export function leaseEl(pr, tag = 'span') {
  const left = (Date.parse(pr.expiresAt) - Date.now()) / 1000;
  return h(tag, { class: `pr-lease${left < 30 ? ' expiring' : ''}${left <= 0 ? ' expired' : ''}`, data: { expiresAt: pr.expiresAt, fence: pr.fence } },
    fmtLease(pr, left));
}

const board = (() => {
  const el = h('div', { class: 'board' });
  const columns = new Map();
  const cards = new Map();
  let order = new Map();
  let keys = new Map();

  const column = (state) => {
    if (columns.has(state)) return columns.get(state);
    const count = h('span', { class: 'count' }, '0');
    const list = h('div', { class: 'cards' });
    const section = h('section', { class: 'column', data: { column: state }, 'aria-label': state },
      h('h2', null, h('span', { class: 'state-name' }, state), ' ', count), list);
    const c = { section, list, count };
    columns.set(state, c);
    el.append(section); // known states are made up front, in order; an unknown one goes last
    return c;
  };
  COLUMNS.forEach(column);

  const counts = () => {
    for (const [state, c] of columns) {
      const n = c.list.childElementCount;
      c.count.textContent = String(n);
      c.section.hidden = n === 0 && HIDE_WHEN_EMPTY.has(state);
    }
  };
  // What a card shows, less what the clock ticks, so an unchanged PR keeps its card.
  const key = (p) => JSON.stringify([p.title, p.priority, p.state, p.agent, p.fence, p.lastHeartbeat, p.unmetDependencies, p.note,
    p.hotStateUnavailable, p.taskListStale, Math.round((Date.parse(p.expiresAt) || 0) / 2000)]);

  /** Builds every column anew (one DocumentFragment each) when the list's order changed; else patches. */
  function sync(prs) {
    const ids = prs.map((p) => p.id).join('\n');
    if (ids === [...order.keys()].join('\n')) { for (const p of prs) put(p); return; }
    const focused = document.activeElement?.closest?.('.card')?.dataset.pr;
    order = new Map(prs.map((p, i) => [p.id, i]));
    cards.clear();
    keys.clear();
    const parts = new Map();
    for (const p of prs) {
      const c = card(p);
      cards.set(p.id, c);
      keys.set(p.id, key(p));
      const state = column(p.state);
      (parts.get(state) ?? parts.set(state, document.createDocumentFragment()).get(state)).append(c);
    }
    for (const c of columns.values()) c.list.replaceChildren(parts.get(c) ?? '');
    counts();
    if (focused) cards.get(focused)?.focus();
  }

  /** Replaces one PR's card, in its column at its place in the list. */
  function put(p) {
    const old = cards.get(p.id);
    if (!old || !order.has(p.id)) return;
    const k = key(p);
    if (keys.get(p.id) === k) return;
    keys.set(p.id, k);
    const fresh = card(p);
    const hadFocus = old.contains(document.activeElement);
    const target = column(p.state);
    if (old.parentElement === target.list) old.replaceWith(fresh);
    else {
      old.remove();
      const at = order.get(p.id);
      const next = [...target.list.children].find((c) => order.get(c.dataset.pr) > at);
      target.list.insertBefore(fresh, next ?? null);
    }
    cards.set(p.id, fresh);
    counts();
    if (hadFocus) fresh.focus();
  }

  const open = (e) => {
    const c = e.target.closest('article.card');
    if (!c || e.target.closest('a[href]:not(.pr-title)')) return;
    if (e.type === 'click' || e.key === 'Enter') { e.preventDefault(); location.hash = `#/pr/${c.dataset.pr}`; }
  };
  el.addEventListener('click', open);
  el.addEventListener('keydown', open);
  return { el, sync, put };
})();

// ---- the clock ---------------------------------------------------------------------------------

const refetched = new Map();

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-expires-at]')) {
    const left = (Date.parse(el.dataset.expiresAt) - now) / 1000;
    const pr = el.closest('[data-pr]')?.dataset.pr;
    el.textContent = fmtLease({ fence: el.dataset.fence }, left);
    el.classList.toggle('expiring', left < 30);
    el.classList.toggle('expired', left <= 0);
    // At zero the lease may have been renewed by a heartbeat (heartbeats send no event): look again.
    if (left <= 0 && pr && !(now - (refetched.get(pr) ?? 0) < 5000)) { refetched.set(pr, now); refreshPr(pr); }
  }
  for (const el of document.querySelectorAll('[data-heartbeat-at]')) {
    el.textContent = `heartbeat ${duration((now - Date.parse(el.dataset.heartbeatAt)) / 1000)} ago`;
  }
}

// Heartbeats renew leases without an event, so held PRs are read again now and then.
function refreshHeld() {
  if (document.hidden || !store.loaded) return;
  const held = store.prs.filter((p) => p.hotState != null).map((p) => p.id);
  if (held.length) refreshPr(...held);
}

// ---- routes ------------------------------------------------------------------------------------

let deps = null;

function route() {
  const hash = location.hash || '#/board';
  const m = /^#\/(board|deps|activity|health|pr\/(.+))$/.exec(hash) ?? [null, 'board'];
  const name = m[2] ? 'pr' : m[1];
  view?.leave?.();
  if (name === 'board') view = { name, el: board.el };
  else if (name === 'deps') {
    deps ??= dependencyView((id) => { location.hash = `#/pr/${id}`; });
    view = { name, el: deps.el, update: (prs) => deps.update(prs) };
  } else if (name === 'pr') view = prPage(decodeURIComponent(m[2]), { store, refreshPr, toast, confirmAction, leaseEl });
  else if (name === 'activity') view = activityView(store);
  else view = healthView(store);
  view.name = name;
  const main = $('view');
  main.replaceChildren(view.el);
  if (store.loaded) view.update?.(store.prs);
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `Thermocline: ${name === 'pr' ? decodeURIComponent(m[2]) : name}`;
  if (document.activeElement && document.activeElement !== document.body && !main.contains(document.activeElement) && !document.activeElement.closest('nav')) main.focus();
}

// ---- toast and confirmation --------------------------------------------------------------------

let toastTimer = 0;

/** A result or an error for the person; errors are announced at once (role=alert). */
export function toast(message, error = false) {
  const el = $('toast');
  el.setAttribute('role', error ? 'alert' : 'status');
  el.className = error ? 'error' : 'ok';
  el.replaceChildren(h('span', null, message), h('button', { type: 'button', 'aria-label': 'dismiss', onclick: () => { el.hidden = true; } }, '×'));
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, error ? 15000 : 6000);
}

/** Asks in <dialog id="confirm">, saying what will happen; true when the person confirms. */
export function confirmAction(text, label) {
  const dialog = $('confirm');
  $('confirm-text').textContent = clean(text);
  dialog.querySelector('[data-confirm]').textContent = label;
  dialog.returnValue = '';
  dialog.showModal();
  dialog.querySelector('[data-cancel]').focus();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
}

// ---- start -------------------------------------------------------------------------------------

$('confirm').querySelector('[data-cancel]').addEventListener('click', () => $('confirm').close('cancel'));
window.addEventListener('hashchange', route);
route();
refreshAll();
connect();
showHealthHeader();
setInterval(tick, 1000);
setInterval(refreshHeld, 20000);
export { isDone };
