// The board's shell: the PR list kept in step with the hub's event stream, the hash router, the
// board view, and the one-second clock of lease countdowns and heartbeat ages.
import { h, clean, lines, duration, countdown } from './dom.js';
import * as api from './api.js';
import { dependencyView } from './graph.js';
import { prPage } from './pr.js';
import { activityView, healthView, showHealthHeader } from './status.js';

const COLUMNS = ['new', 'ready', 'planned', 'investigating', 'planning', 'in-progress', 'under-review', 'blocked',
  'completed', 'approved', 'broken'];
const HIDE_WHEN_EMPTY = new Set(['new', 'planned']);
// After these many PRs may have changed: the whole list is read again.
const MANY = new Set(['reset', 'recovered', 'hydrated', 'git-changed', 'dependency-commit', 'display-sync',
  'task-list-broken', 'task-list-repaired', 'started']);
// These change a PR's cold state or dependencies, and so what its dependants wait for.
const COLD = new Set(['cold-commit', 'edited', 'added']);
const KINDS = [...MANY, ...COLD, 'claimed', 'hot-transition', 'released', 'conflict', 'swept', 'error', 'stopped', 'overflow'];

/** What every view reads: the list in task-list order, by id, and the events seen (newest first, at most 500). */
const store = { prs: [], byId: new Map(), loaded: false, events: [], lastDisplaySync: null };
let seq = 0; // numbers each read, so an older answer never overwrites a newer one
let view = null; // { el, update?(prs, changedId?), event?(e), leave?() }
const $ = (id) => document.getElementById(id);
const stamp = (pr, at) => Object.assign(api.withTimes(pr), { seq: at });

// ---- keeping the list in step ------------------------------------------------------------------

let fullRun = null, fullAgain = false, fullTimer = 0;

/** Reads /api/prs; asked again while a read runs, it reads once more after (an event may be newer than the answer). */
function refreshAll() {
  clearTimeout(fullTimer);
  fullTimer = 0;
  if (fullRun) { fullAgain = true; return; }
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
}

const refreshAllSoon = () => { fullTimer ||= setTimeout(refreshAll, 150); };

const pending = new Set();
let pendingTimer = 0;

/** Reads single PRs again; a burst of events is one read per PR. */
function refreshPr(...ids) {
  for (const id of ids) pending.add(id);
  pendingTimer ||= setTimeout(() => {
    const batch = [...pending];
    pending.clear();
    pendingTimer = 0;
    if (batch.length > 25) return refreshAll();
    for (const id of batch) {
      const at = ++seq;
      api.getPr(id).then((pr) => applyOne(stamp(pr, at)), (e) => {
        if (e.status === 404) refreshAllSoon(); // gone from the list, or renamed by a person's edit
        else if (e.status !== 401) toast(`Could not read ${id}: ${e.message}`, true);
      });
    }
  }, 30);
}

function applyAll(prs) {
  const old = store.byId, first = !store.loaded;
  store.prs = prs.map((p) => (old.get(p.id)?.seq > p.seq ? old.get(p.id) : p));
  store.byId = new Map(store.prs.map((p) => [p.id, p]));
  store.loaded = true;
  board.sync(store.prs);
  if (first) performance.mark('thermocline:board-rendered'); // for the bench: the first list is on the board
  view?.update?.(store.prs);
}

function applyOne(pr) {
  const old = store.byId.get(pr.id);
  if (!old) return refreshAllSoon(); // a new PR: its place comes with the list
  if (old.seq > pr.seq) return;
  store.prs[store.prs.indexOf(old)] = pr;
  store.byId.set(pr.id, pr);
  board.put(pr);
  view?.update?.(store.prs, pr.id);
}

// ---- the event stream --------------------------------------------------------------------------

let source = null, retry = 0, retryTimer = 0;
// The feed's past: the first stream asks with an id of no run, so the hub answers `reset` carrying the newest id
// (RUN-N); the next stream asks from RUN-(N-500) and gets those events first. They fill Activity and refresh nothing.
let past = null; // { run, end } once known

function setLive(state, text) {
  $('live').dataset.state = state;
  $('live').textContent = text ?? { live: 'live', connecting: 'reconnecting…', offline: 'offline' }[state];
}

function connect(from = past ? null : 'board-0') {
  clearTimeout(retryTimer);
  source?.close();
  source = new EventSource(from ? `/api/events?lastEventId=${encodeURIComponent(from)}` : '/api/events');
  // Every open reads everything again: what happened before it was not seen (the first stream's reset does it).
  source.onopen = () => {
    retry = 0;
    setLive('live');
    if (past) refreshAll();
    else setTimeout(() => { if (!past) { past = { end: -1 }; refreshAll(); } }, 1000); // a hub that sent no reset
  };
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) return setLive('connecting');
    // An error answer (a 401, a hub stopping) ends EventSource's own retries: retry here, and let a 401 go to /login.
    setLive('offline', 'offline, retrying…');
    api.getMetrics().catch(() => {});
    retryTimer = setTimeout(connect, Math.min(30000, 1000 * 2 ** retry++));
  };
  for (const kind of KINDS) source.addEventListener(kind, onEvent);
}

function onEvent(message) {
  let e;
  try { e = JSON.parse(message.data); } catch { return; }
  e.kind ??= message.type;
  const id = /^(.+)-(\d+)$/.exec(e.id ?? '');
  if (!past && e.kind === 'reset' && id) {
    past = { run: id[1], end: +id[2] };
    return connect(`${id[1]}-${Math.max(0, past.end - 500)}`);
  }
  const history = id && id[1] === past?.run && +id[2] <= past.end;
  store.events.unshift(e);
  store.events.length = Math.min(store.events.length, 500);
  if (e.kind === 'display-sync') store.lastDisplaySync = e.time;
  view?.event?.(e);
  if (history) return;
  if (e.kind === 'overflow') return connect(); // cut off: a fresh stream, and a fresh read on its open
  if (MANY.has(e.kind)) refreshAllSoon();
  if (e.prId) refreshPr(e.prId, ...(COLD.has(e.kind) ? store.prs.filter((p) => p.dependencies?.includes(e.prId)).map((p) => p.id) : []));
}

// ---- the board view ----------------------------------------------------------------------------

const cleanTitle = (t) => clean(t.replace(/\r?\n/g, ' ')); // a tooltip on one line
const leaseText = (fence, left) => (left > 0 ? `lease ${countdown(left)}` : 'lease expired') + (fence != null ? ` · fence ${fence}` : '');

/**
 * A lease countdown from pr.expiresAt (class expiring under 30 s), which the clock keeps ticking: the card's is the
 * countdown alone; with an intro (the PR page) a paragraph of the intro and the countdown in its span.countdown.
 */
function leaseEl(pr, intro) {
  const left = (Date.parse(pr.expiresAt) - Date.now()) / 1000, text = leaseText(pr.fence, left);
  return h(intro ? 'p' : 'span', { class: `pr-lease${left < 30 ? ' expiring' : ''}${left <= 0 ? ' expired' : ''}`, data: { expiresAt: pr.expiresAt, fence: pr.fence } },
    intro ? [intro, h('span', { class: 'countdown' }, text)] : text);
}

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
    pr.note && h('p', { class: 'pr-note', title: cleanTitle(pr.note.text) }, h('span', { class: 'label' }, `note from ${pr.note.agent}: `), lines(pr.note.text)),
    pr.unmetDependencies?.length > 0 && h('p', { class: 'pr-waits' }, `waits for ${pr.unmetDependencies.join(', ')}`),
  ].filter(Boolean));
  return el;
}

const board = (() => {
  const el = h('div', { class: 'board' });
  const columns = new Map(), cards = new Map(), keys = new Map();
  let order = new Map(), ids = '';
  const column = (state) => columns.get(state) ?? (() => {
    const c = { count: h('span', { class: 'count' }, '0'), list: h('div', { class: 'cards' }) };
    c.section = h('section', { class: 'column', data: { column: state }, 'aria-label': state }, h('h2', null, state, ' ', c.count), c.list);
    columns.set(state, c);
    el.append(c.section); // the known states are made first, in order; an unknown one comes last
    return c;
  })();
  COLUMNS.forEach(column);
  const counts = () => {
    for (const [state, c] of columns) {
      c.count.textContent = String(c.list.childElementCount);
      c.section.hidden = !c.list.childElementCount && HIDE_WHEN_EMPTY.has(state);
    }
  };
  // What a card shows, less what the clock ticks: an unchanged PR keeps its card.
  const key = (p) => JSON.stringify([p.title, p.priority, p.state, p.agent, p.fence, p.lastHeartbeat, p.unmetDependencies, p.note,
    p.hotStateUnavailable, p.taskListStale, Math.round((Date.parse(p.expiresAt) || 0) / 2000)]);

  /** Every column anew (one fragment each) when the list or its order changed; else only the changed cards. */
  function sync(prs) {
    const now = prs.map((p) => p.id).join('\n');
    if (now === ids) { for (const p of prs) put(p); return; }
    const focused = document.activeElement?.closest?.('.card')?.dataset.pr;
    ids = now;
    order = new Map(prs.map((p, i) => [p.id, i]));
    cards.clear();
    const parts = new Map();
    for (const p of prs) {
      const c = card(p), col = column(p.state);
      cards.set(p.id, c);
      keys.set(p.id, key(p));
      (parts.get(col) ?? parts.set(col, document.createDocumentFragment()).get(col)).append(c);
    }
    for (const c of columns.values()) c.list.replaceChildren(parts.get(c) ?? '');
    counts();
    if (focused) cards.get(focused)?.focus();
  }

  /** One PR's card replaced, in its column at its place in the list. */
  function put(p) {
    const old = cards.get(p.id), k = key(p);
    if (!old || keys.get(p.id) === k) return;
    keys.set(p.id, k);
    const fresh = card(p), target = column(p.state).list, focused = old.contains(document.activeElement);
    if (old.parentElement === target) old.replaceWith(fresh);
    else {
      old.remove();
      const at = order.get(p.id);
      target.insertBefore(fresh, [...target.children].find((c) => order.get(c.dataset.pr) > at) ?? null);
    }
    cards.set(p.id, fresh);
    counts();
    if (focused) fresh.focus();
  }

  const open = (e) => {
    const c = e.target.closest('article.card');
    if (c && (e.type === 'click' || e.key === 'Enter')) { e.preventDefault(); location.hash = `#/pr/${c.dataset.pr}`; }
  };
  el.addEventListener('click', open);
  el.addEventListener('keydown', open);
  return { el, sync, put, focus: (id) => cards.get(id)?.focus() };
})();

// ---- the clock ---------------------------------------------------------------------------------

const looked = new Map();

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-expires-at]')) {
    const left = (Date.parse(el.dataset.expiresAt) - now) / 1000, pr = el.closest('[data-pr]')?.dataset.pr;
    (el.querySelector('.countdown') ?? el).textContent = leaseText(el.dataset.fence, left);
    el.classList.toggle('expiring', left < 30);
    el.classList.toggle('expired', left <= 0);
    // At zero a heartbeat may have renewed it (heartbeats send no event): look again, every 5 s until swept.
    if (left <= 0 && pr && now - (looked.get(pr) ?? 0) > 5000) { looked.set(pr, now); refreshPr(pr); }
  }
  for (const el of document.querySelectorAll('[data-heartbeat-at]')) {
    el.textContent = `heartbeat ${duration((now - Date.parse(el.dataset.heartbeatAt)) / 1000)} ago`;
  }
}

// Heartbeats renew leases without an event, so the held PRs are read again every 20 s.
function refreshHeld() {
  const held = store.prs.filter((p) => p.hotState != null).map((p) => p.id);
  if (!document.hidden && held.length) refreshPr(...held);
}

// ---- routes ------------------------------------------------------------------------------------

let deps = null, lastPr = null;

function route() {
  const m = /^#\/(board|deps|activity|health|pr\/(.+))$/.exec(location.hash) ?? [null, 'board'];
  const name = m[2] ? 'pr' : m[1], id = m[2] && decodeURIComponent(m[2]);
  view?.leave?.();
  if (name === 'board') view = { el: board.el };
  else if (name === 'deps') view = (deps ??= dependencyView((pr) => { location.hash = `#/pr/${pr}`; }));
  else if (name === 'pr') view = prPage(id, { store, refreshPr, toast, confirmAction, leaseEl });
  else view = (name === 'activity' ? activityView : healthView)(store);
  const main = $('view'), fromNav = document.activeElement?.closest('nav');
  main.replaceChildren(view.el);
  main.scrollTop = 0;
  if (store.loaded) view.update?.(store.prs);
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `Thermocline: ${id ?? name}`;
  // Keyboard users land in the new view, or back on the card they opened.
  if (!fromNav) { if (name === 'board' && lastPr) board.focus(lastPr); else main.focus({ preventScroll: true }); }
  if (id) lastPr = id;
}

// ---- toast and confirmation --------------------------------------------------------------------

let toastTimer = 0;

/** A result or an error for the person; an error is announced at once (role=alert). toast('') hides it. */
function toast(message, error = false) {
  const el = $('toast');
  el.setAttribute('role', error ? 'alert' : 'status');
  el.className = error ? 'error' : 'ok';
  el.replaceChildren(h('span', null, message), h('button', { type: 'button', 'aria-label': 'dismiss', onclick: () => { el.hidden = true; } }, '×'));
  el.hidden = !message;
  if (!message) el.replaceChildren();
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, error ? 15000 : 6000);
}

/** Asks in <dialog id="confirm">, saying what will happen; true when the person confirms. */
function confirmAction(text, label) {
  const dialog = $('confirm');
  if (dialog.open) dialog.close();
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
// Log out only where there is a login: a hub without a token sends /login on to the board. Asked after the page's
// load, so no test or tool waiting for that load sees a request for /login in flight.
window.addEventListener('load', () => setTimeout(() => fetch('/login', { redirect: 'manual', credentials: 'same-origin' })
  .then((r) => { document.querySelector('.logout').hidden = r.type === 'opaqueredirect'; }, () => {}), 500));
setInterval(tick, 1000);
setInterval(refreshHeld, 20000);
