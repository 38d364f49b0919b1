// The dependency graph: a layered (Sugiyama-style) layout written here, since the board ships no
// libraries. Layers by longest path from the PRs without dependencies (left to right), a dummy
// vertex wherever an edge skips a layer, barycenter sweeps that keep the ordering with the fewest
// crossings, then vertical positions pulled toward each vertex's neighbours without overlaps.
import { h, s, clean } from './dom.js';

const W = 196, H = 44, GAP_X = 84, GAP_Y = 14, DUMMY_GAP = 10, PAD = 24;
const DONE = new Set(['completed', 'approved']);

/** True when the PR satisfies its dependants (its cold state is completed or approved). */
export const isDone = (pr) => DONE.has(pr.coldState);

/** The dependency edges among PRs of the list (an unknown dependency has no node to start from). */
function edgesOf(prs) {
  const known = new Set(prs.map((p) => p.id));
  const edges = [];
  for (const p of prs) for (const d of new Set(p.dependencies ?? [])) if (known.has(d) && d !== p.id) edges.push([d, p.id]);
  return edges;
}

/** A PR id → list position order that is topological (Kahn); PRs in a cycle come last, in list order. */
function topological(prs, edges) {
  const indegree = new Map(prs.map((p) => [p.id, 0]));
  const out = new Map(prs.map((p) => [p.id, []]));
  for (const [a, b] of edges) { indegree.set(b, indegree.get(b) + 1); out.get(a).push(b); }
  const order = prs.filter((p) => indegree.get(p.id) === 0).map((p) => p.id);
  for (let i = 0; i < order.length; i++) {
    for (const b of out.get(order[i])) { indegree.set(b, indegree.get(b) - 1); if (indegree.get(b) === 0) order.push(b); }
  }
  if (order.length < prs.length) { const seen = new Set(order); for (const p of prs) if (!seen.has(p.id)) order.push(p.id); }
  return order;
}

/**
 * The critical path: the longest chain of PRs not yet done along dependency edges (one per PR: the
 * list carries no estimates). Ids from the first to do to the last; empty when no chain of two.
 */
export function criticalPath(prs) {
  const byId = new Map(prs.map((p) => [p.id, p]));
  const edges = edgesOf(prs).filter(([a, b]) => !isDone(byId.get(a)) && !isDone(byId.get(b)));
  const deps = new Map();
  for (const [a, b] of edges) (deps.get(b) ?? deps.set(b, []).get(b)).push(a);
  const length = new Map(), prev = new Map();
  let end = null;
  for (const id of topological(prs, edges)) {
    if (isDone(byId.get(id))) continue;
    let best = 0, from = null;
    for (const d of deps.get(id) ?? []) if ((length.get(d) ?? 0) > best) { best = length.get(d); from = d; }
    length.set(id, best + 1);
    prev.set(id, from);
    if (end === null || best + 1 > length.get(end)) end = id;
  }
  const chain = [];
  for (let id = end; id !== null && id !== undefined; id = prev.get(id)) chain.unshift(id);
  return chain.length >= 2 ? chain : [];
}

/**
 * Crossings between two adjacent layers: inversions of the lower ends, edges sorted by upper end (a Fenwick tree).
 * Each edge is one number, upper * 2^16 + lower, so the sort is a typed array's (no garbage at 10,000 vertices).
 */
function crossings(edges, size) {
  edges.sort();
  const tree = new Int32Array(size + 1);
  let count = 0;
  for (let k = 0; k < edges.length; k++) {
    const low = (edges[k] % 65536) + 1;
    let sum = 0;
    for (let i = low; i > 0; i -= i & -i) sum += tree[i];
    count += k - sum;
    for (let i = low; i <= size; i += i & -i) tree[i]++;
  }
  return count;
}

/** Positions of every PR (and of the bends of long edges) for the list. */
export function layout(prs) {
  const edges = edgesOf(prs);
  const layerOf = new Map();
  const depsOf = new Map(prs.map((p) => [p.id, []]));
  for (const [a, b] of edges) depsOf.get(b).push(a);
  for (const id of topological(prs, edges)) {
    let layer = 0;
    for (const d of depsOf.get(id)) if (layerOf.has(d)) layer = Math.max(layer, layerOf.get(d) + 1);
    layerOf.set(id, layer);
  }
  const layers = [];
  const vertex = new Map();
  const add = (v) => { (layers[v.layer] ??= []).push(v); v.up = []; v.down = []; return v; };
  for (const p of prs) vertex.set(p.id, add({ id: p.id, layer: layerOf.get(p.id), pr: p }));
  const routes = [];
  for (const [a, b] of edges) {
    const from = vertex.get(a), to = vertex.get(b);
    if (from.layer >= to.layer) continue; // only in a cycle, which the task list's validation refuses
    const chain = [from];
    for (let l = from.layer + 1; l < to.layer; l++) chain.push(add({ dummy: true, layer: l }));
    chain.push(to);
    for (let k = 1; k < chain.length; k++) { chain[k - 1].down.push(chain[k]); chain[k].up.push(chain[k - 1]); }
    routes.push({ from: a, to: b, chain });
  }
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];
  order(layers);
  const width = PAD * 2 + Math.max(1, layers.length) * (W + GAP_X) - GAP_X;
  const height = place(layers);
  for (const layer of layers) for (const v of layer) v.x = PAD + v.layer * (W + GAP_X);
  return { nodes: [...vertex.values()], routes, width, height };
}

function order(layers) {
  layers.forEach((layer) => layer.forEach((v, i) => { v.pos = i; }));
  const count = () => {
    let total = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      let n = 0;
      for (const v of layers[l]) n += v.down.length;
      const edges = new Float64Array(n);
      n = 0;
      for (const v of layers[l]) for (const w of v.down) edges[n++] = v.pos * 65536 + w.pos;
      total += crossings(edges, layers[l + 1].length);
    }
    return total;
  };
  const sweep = (layer, side) => {
    for (const v of layer) {
      let sum = 0;
      for (const w of v[side]) sum += w.pos;
      v.key = v[side].length ? sum / v[side].length : v.pos;
    }
    layer.sort((a, b) => a.key - b.key || a.pos - b.pos);
    for (let i = 0; i < layer.length; i++) layer[i].pos = i;
  };
  let best = count(), bestPos = layers.map((layer) => layer.slice());
  for (let round = 0; round < 8 && best > 0; round++) {
    if (round % 2 === 0) for (let l = 1; l < layers.length; l++) sweep(layers[l], 'up');
    else for (let l = layers.length - 2; l >= 0; l--) sweep(layers[l], 'down');
    const now = count();
    if (now < best) { best = now; bestPos = layers.map((layer) => layer.slice()); }
  }
  bestPos.forEach((layer, l) => { layers[l] = layer; layer.forEach((v, i) => { v.pos = i; }); });
}

/** Vertical centres (v.cy): stacked, then pulled toward the neighbours' centres a few times. */
function place(layers) {
  const size = (v) => (v.dummy ? 0 : H);
  const gap = (a, b) => (a.dummy && b.dummy ? DUMMY_GAP : a.dummy || b.dummy ? DUMMY_GAP + H / 2 : GAP_Y) + (size(a) + size(b)) / 2;
  for (const layer of layers) {
    let y = 0;
    layer.forEach((v, i) => { y += i ? gap(layer[i - 1], v) : 0; v.cy = y; });
  }
  const settle = (layer, side) => {
    const want = new Float64Array(layer.length);
    layer.forEach((v, i) => {
      let sum = 0, n = 0;
      if (side !== 'down') { for (const w of v.up) sum += w.cy; n += v.up.length; }
      if (side !== 'up') { for (const w of v.down) sum += w.cy; n += v.down.length; }
      want[i] = n ? sum / n : v.cy;
    });
    const down = want.slice(), up = want.slice();
    for (let i = 1; i < layer.length; i++) down[i] = Math.max(want[i], down[i - 1] + gap(layer[i - 1], layer[i]));
    for (let i = layer.length - 2; i >= 0; i--) up[i] = Math.min(want[i], up[i + 1] - gap(layer[i], layer[i + 1]));
    layer.forEach((v, i) => { v.cy = i ? Math.max((down[i] + up[i]) / 2, layer[i - 1].cy + gap(layer[i - 1], v)) : (down[0] + up[0]) / 2; });
  };
  for (let round = 0; round < 6; round++) {
    if (round % 2 === 0) for (let l = 1; l < layers.length; l++) settle(layers[l], round < 4 ? 'up' : 'both');
    else for (let l = layers.length - 2; l >= 0; l--) settle(layers[l], round < 4 ? 'down' : 'both');
  }
  let top = Infinity, bottom = -Infinity;
  for (const layer of layers) for (const v of layer) { top = Math.min(top, v.cy - size(v) / 2); bottom = Math.max(bottom, v.cy + size(v) / 2); }
  if (top === Infinity) return PAD * 2;
  for (const layer of layers) for (const v of layer) v.cy = Math.round(v.cy + PAD - top);
  return bottom - top + PAD * 2;
}

/** The SVG path of an edge: straight through the layers it skips, a gentle curve between them. */
function pathOf(chain) {
  const points = [];
  chain.forEach((v, k) => {
    if (k > 0) points.push([v.x - (k === chain.length - 1 ? 6 : 0), v.cy]);
    if (k < chain.length - 1) points.push([v.x + W, v.cy]);
  });
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let k = 1; k < points.length; k++) {
    const [x0, y0] = points[k - 1], [x1, y1] = points[k];
    if (k % 2 === 1) { const c = (x1 - x0) / 2; d += ` C${x0 + c},${y0} ${x1 - c},${y1} ${x1},${y1}`; } else d += ` L${x1},${y1}`;
  }
  return d;
}

const shorten = (t, n) => (t.length > n ? t.slice(0, n - 1) + '…' : t);
const vertexOf = (node) => ({ x: +node.dataset.x, cy: +node.dataset.cy });

function nodeOf(v) {
  const p = v.pr;
  return s('g', {
    class: 'node', tabindex: 0, role: 'link', transform: `translate(${v.x},${v.cy - H / 2})`,
    data: { pr: p.id, state: p.state, x: v.x, cy: v.cy }, // its <title> names it for a screen reader
  },
  s('title', null, `${p.id}: ${clean(p.title)} (${p.state})`),
  s('rect', { width: W, height: H, rx: 6 }),
  s('text', { x: 8, y: 17, class: 'label' }, s('tspan', { class: 'id' }, p.id), s('tspan', { class: 'state-text', dx: 6 }, p.state)),
  s('text', { x: 8, y: 34, class: 'title' }, shorten(clean(p.title), 30)));
}

/**
 * The dependencies view: the graph (scrollable, zoomable with the buttons or Ctrl+wheel), the
 * critical path in words and what each waiting PR waits for. update(prs) patches states in place
 * and lays the graph out again only when the PRs or their dependencies changed.
 */
export function dependencyView(open) {
  const svg = s('svg', { id: 'graph', role: 'group', 'aria-label': 'dependency graph; arrows point from a dependency to the PR waiting for it' });
  const scroller = h('div', { class: 'graph-scroll', tabindex: -1 }, svg);
  const critical = h('p', { id: 'critical-path' });
  const waiting = h('ul', { id: 'waiting' });
  let zoom = 1, size = { width: 0, height: 0 }, signature = '';
  const setZoom = (z, cx, cy) => {
    const old = zoom;
    zoom = Math.min(3, Math.max(0.15, z));
    svg.setAttribute('width', Math.round(size.width * zoom));
    svg.setAttribute('height', Math.round(size.height * zoom));
    if (cx !== undefined) {
      scroller.scrollLeft = (scroller.scrollLeft + cx) * (zoom / old) - cx;
      scroller.scrollTop = (scroller.scrollTop + cy) * (zoom / old) - cy;
    }
  };
  const fit = () => setZoom(Math.min(1, (scroller.clientWidth - 4) / size.width));
  const tools = h('div', { class: 'graph-tools', role: 'toolbar', 'aria-label': 'zoom' },
    h('button', { type: 'button', onclick: () => setZoom(zoom / 1.25), 'aria-label': 'zoom out' }, '−'),
    h('button', { type: 'button', onclick: () => setZoom(zoom * 1.25), 'aria-label': 'zoom in' }, '+'),
    h('button', { type: 'button', onclick: () => setZoom(1) }, '100 %'),
    h('button', { type: 'button', onclick: fit }, 'fit width'),
    h('button', { type: 'button', onclick: () => svg.querySelector('g.node.critical')?.scrollIntoView({ block: 'center', inline: 'center' }) },
      'show the critical path'),
    h('span', { class: 'hint' }, 'Ctrl + wheel zooms; arrows run from a dependency to the PR that waits for it'));
  scroller.addEventListener('wheel', (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    const r = scroller.getBoundingClientRect();
    setZoom(zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  const go = (e) => {
    const node = e.target.closest?.('g.node');
    if (node && (e.type === 'click' || e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); open(node.dataset.pr); }
  };
  svg.addEventListener('click', go);
  svg.addEventListener('keydown', go);

  function draw(prs) {
    const g = layout(prs);
    size = g;
    svg.setAttribute('viewBox', `0 0 ${g.width} ${g.height}`);
    const defs = s('defs', null, ['arrow', 'arrow-critical'].map((id) =>
      s('marker', { id, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        s('path', { d: 'M0,0 L8,4 L0,8 z' }))));
    const edges = s('g', { class: 'edges' }, g.routes.map((r) =>
      s('path', { class: 'edge', d: pathOf(r.chain), 'marker-end': 'url(#arrow)', data: { from: r.from, to: r.to } })));
    const nodes = s('g', { class: 'nodes' }, g.nodes.map(nodeOf));
    svg.replaceChildren(defs, edges, nodes);
    setZoom(zoom);
  }

  function update(prs) {
    const byId = new Map(prs.map((p) => [p.id, p]));
    const sig = JSON.stringify(prs.map((p) => [p.id, p.title, p.dependencies]));
    if (sig !== signature) { signature = sig; draw(prs); }
    else {
      for (const node of svg.querySelectorAll('g.node')) {
        const p = byId.get(node.dataset.pr);
        if (p.state !== node.dataset.state) node.replaceWith(nodeOf({ ...vertexOf(node), pr: p }));
      }
    }
    const chain = criticalPath(prs);
    const onPath = new Set(chain), steps = new Set(chain.slice(1).map((id, k) => `${chain[k]}>${id}`));
    for (const node of svg.querySelectorAll('g.node')) node.classList.toggle('critical', onPath.has(node.dataset.pr));
    for (const edge of svg.querySelectorAll('.edge')) {
      const on = steps.has(`${edge.dataset.from}>${edge.dataset.to}`);
      edge.classList.toggle('critical', on);
      edge.setAttribute('marker-end', on ? 'url(#arrow-critical)' : 'url(#arrow)');
    }
    critical.replaceChildren(...(chain.length
      ? [h('strong', null, `Critical path (${chain.length} PRs not yet completed or approved): `),
        ...chain.flatMap((id, k) => [k ? ' → ' : '', h('a', { href: `#/pr/${id}` }, id)])]
      : ['No chain of open PRs: nothing waits on unfinished work.']));
    const items = prs.filter((p) => !isDone(p) && (p.state === 'blocked' || p.unmetDependencies?.length)).map((p) =>
      h('li', { data: { pr: p.id, state: p.state } },
        h('a', { href: `#/pr/${p.id}` }, p.id), ` ${clean(p.title)} (${p.state}) `,
        p.unmetDependencies?.length
          ? ['waits for ', p.unmetDependencies.flatMap((d, k) => [k ? ', ' : '',
            byId.has(d) ? h('a', { href: `#/pr/${d}` }, d) : d, ` (${byId.get(d)?.state ?? 'not in the list'})`])]
          : 'is blocked by hand; no dependency is unmet'));
    waiting.replaceChildren(...(items.length ? items : [h('li', { class: 'none' }, 'Nothing is waiting.')]));
  }

  const el = h('section', { class: 'deps' }, h('h2', null, 'Dependencies'), tools, scroller, critical,
    h('h3', null, 'Waiting'), waiting);
  return { el, update, fit };
}
