// The activity feed (the event stream, newest first) and the hub's health.
import { h, clean, time, when } from './dom.js';
import * as api from './api.js';

const MAX = 500;

function eventItem(e) {
  return h('li', { data: { kind: e.kind, pr: e.prId } },
    time(e.time), ' ', h('span', { class: 'kind' }, e.kind), ' ',
    e.prId && [h('a', { href: `#/pr/${encodeURIComponent(e.prId)}` }, e.prId), ' '],
    h('span', { class: 'message' }, e.message ?? '')); // the hub's sentence names the move, the agent and the lease
}

/** Activity: the events this page has (the feed's past, then live; at most 500), newest first; new ones arrive at the top. */
export function activityView(store) {
  const list = h('ol', { id: 'activity' });
  const frag = document.createDocumentFragment();
  for (const e of store.events) frag.append(eventItem(e));
  list.append(frag);
  const empty = h('p', { class: 'hint' }, 'What the hub did and saw, newest first: up to 500 events of this hub run, then each as it comes.');
  return {
    el: h('section', { class: 'activity' }, h('h2', null, 'Activity'), empty, list),
    event(e) {
      list.prepend(eventItem(e));
      while (list.childElementCount > MAX) list.lastElementChild.remove();
    },
  };
}

/** Sets the header's repository and branch from /healthz. */
export async function showHealthHeader(health) {
  try {
    health ??= await api.getHealth();
    const repo = clean(health.repository).replace(/\/+$/, '');
    const el = document.getElementById('repo');
    el.replaceChildren(h('span', { class: 'repo-name', title: repo }, repo.split('/').pop() || repo),
      health.branch ? h('span', { class: 'branch' }, ` @ ${health.branch}`) : '');
    el.dataset.status = health.status;
  } catch { /* the board works without it; a 401 has already sent the person to /login */ }
}

const yesNo = (b, yes, no) => (b ? yes : no);

/** Health: /healthz fields and /metrics counters, read when shown and every 5 s while shown. */
export function healthView(store) {
  const dl = h('dl', { class: 'health-fields' });
  const problem = h('p', { class: 'hint' });
  let timer = 0, last = null, counters = null;

  const row = (key, label, ...value) => [h('dt', null, label), h('dd', { data: { field: key } }, ...value)];
  function render() {
    const v = last;
    const t = counters?.totals ?? {}, by = counters?.by ?? {};
    const n = (name) => (counters ? String(t[name] ?? 0) : '—'); // a counter not yet touched is absent from /metrics
    const split = (name) => (by[name] ? ` (${Object.entries(by[name]).map(([k, x]) => `${k} ${x}`).join(', ')})` : '');
    dl.replaceChildren(
      ...(v ? [
        ...row('status', 'status', h('span', { class: `status status-${/^[a-z]+$/.test(v.status) ? v.status : 'other'}` }, v.status),
          v.taskListProblem ? ` — task list: ${v.taskListProblem}` : ''),
        ...row('redis', 'Redis', `${v.redisEndpoint} (${yesNo(v.redisEmbedded, 'embedded', 'external')}): `,
          yesNo(v.redisDegraded, 'degraded — unreachable or catching up', 'ok')),
        ...row('git', 'git', `branch ${v.branch ?? '?'} in ${v.repository}, `, yesNo(v.gitDurable, 'durable', 'NOT durable'),
          v.checkout ? `; a person's ${v.checkout} is in progress` : '', v.checkoutBusy ? ' (milestones refused meanwhile)' : '',
          v.gitProblem ? `; last write failed: ${v.gitProblem}` : '', v.owesWorkingCopy ? '; edits owed to the working copy' : ''),
        ...row('queuedHotUpdates', 'queued hot updates', String(v.queuedHotUpdates)),
        ...row('recovery', 'recovery at start', v.recoveredFromCrash == null ? 'unknown'
          : yesNo(v.recoveredFromCrash, 'recovered from a crash', 'clean start'),
        ` — started ${when(v.startedAt)}`, v.startupMilliseconds != null ? ` in ${Math.round(v.startupMilliseconds)} ms` : ''),
      ] : []),
      ...row('lastDisplaySync', 'last display sync', store.lastDisplaySync ? time(store.lastDisplaySync) : 'none yet'),
      ...row('transitions', 'transitions', n('thermocline_transitions_total'), split('thermocline_transitions_total')),
      ...row('conflicts', 'conflicts (git won)', n('thermocline_conflicts_total'), split('thermocline_conflicts_total')),
      ...row('leasesExpired', 'leases expired', n('thermocline_leases_expired_total')),
      ...row('errors', 'errors', n('thermocline_errors_total')),
      ...row('displaySyncs', 'display syncs', n('thermocline_display_syncs_total'), split('thermocline_display_syncs_total')),
      ...row('redisCatchUps', 'Redis catch-ups', n('thermocline_redis_catch_ups_total')));
  }
  async function load() {
    const [health, metrics] = await Promise.allSettled([api.getHealth(), api.getMetrics()]);
    const problems = [];
    if (health.status === 'fulfilled') { last = health.value; showHealthHeader(last); } else problems.push(`/healthz: ${health.reason.message}`);
    if (metrics.status === 'fulfilled') counters = api.parseMetrics(metrics.value); else problems.push(`/metrics: ${metrics.reason.message}`);
    problem.textContent = problems.length ? `Could not read ${problems.join('; ')}` : `Read ${when(new Date().toISOString())}; every 5 s while shown.`;
    render();
  }
  render();
  load();
  timer = setInterval(load, 5000);
  return {
    el: h('section', { id: 'health' }, h('h2', null, 'Health'), dl, problem),
    event(e) { if (e.kind === 'display-sync') render(); },
    leave() { clearInterval(timer); },
  };
}
