// DOM building without markup strings: every text an agent wrote goes in through textContent,
// so a title such as "<script>" is shown, never parsed (the page's CSP forbids inline script anyway).

// C0/C1 controls, line separators and bidirectional overrides, shown as escapes as `thermo` does
// in a terminal, so a title cannot reorder or hide the text around it.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c) {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return code < 0x100 ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
}

/** One line of display text: every control character (line breaks and tabs too) shown as an escape. */
export const clean = (s) => (s == null ? '' : String(s).replace(CONTROLS_AND_BREAKS, escape));

/** Text that may span lines (markdown, notes): keeps \n and \t, escapes the other controls. */
export const cleanBlock = (s) => (s == null ? '' : String(s).replace(/\r\n?/g, '\n').replace(CONTROLS, escape));

/** A text node of lines (a note, markdown's text): its line breaks kept, for CSS white-space to show. */
export const lines = (s) => document.createTextNode(cleanBlock(s));

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function append(el, child) {
  if (child == null || child === false || child === '') return;
  if (Array.isArray(child)) for (const c of child) append(el, c);
  else el.append(child instanceof Node ? child : clean(child)); // a string becomes a text node, never markup
}

function build(el, props, children) {
  for (const key in props) {
    const value = props[key];
    if (value == null || value === false) continue;
    if (key === 'data') { for (const d in value) if (value[d] != null) el.setAttribute(`data-${kebab(d)}`, clean(value[d])); }
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'style') throw new Error('no style attributes under the CSP');
    else el.setAttribute(key, value === true ? '' : clean(value));
  }
  append(el, children);
  return el;
}

/** An HTML element: h('a', {href, class, data: {pr}}, 'text', child…). */
export const h = (tag, props, ...children) => build(document.createElement(tag), props, children);

/** An SVG element, same arguments. */
export const s = (tag, props, ...children) =>
  build(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);

/** "4 s", "3 min 20 s", "2 h 5 min": a duration for people. */
export function duration(seconds) {
  const t = Math.max(0, Math.round(seconds));
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
}

/** A countdown m:ss (or h:mm:ss). */
export function countdown(seconds) {
  const t = Math.max(0, Math.ceil(seconds));
  const mm = String(Math.floor((t % 3600) / 60)).padStart(t >= 3600 ? 2 : 1, '0');
  const ss = String(t % 60).padStart(2, '0');
  return t >= 3600 ? `${Math.floor(t / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Local date and time of an ISO string, or the text itself when it does not parse. */
export function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? clean(iso) : d.toLocaleString(undefined, { hour12: false });
}

/** A time element showing when(iso). */
export const time = (iso) => h('time', { datetime: iso }, when(iso));
