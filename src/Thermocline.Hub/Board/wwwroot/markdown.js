// A small markdown renderer for PR descriptions, written for safety rather than completeness:
// it builds DOM nodes (never markup strings), links only http(s) URLs, and shows images as links.
// Headings start at h4 (the page uses h2 and h3; a PR's body cannot hold levels 1-3, they end it).
// Covered: ATX and setext headings, paragraphs, nested lists (task boxes too), blockquotes, fenced
// and indented code, pipe tables, rules, code spans, bold, italic, strike-through, autolinks, PR-123.
import { h, cleanBlock, lines as text } from './dom.js';
const SAFE_URL = /^https?:\/\/[^\s]+$/i;

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const INDENTED = /^(?: {4}|\t)/;

const startsBlock = (line) => FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) ||
  /^ {0,3}([-*+]|1[.)])\s+\S/.test(line);

/** The markdown source as a DocumentFragment of safe elements. */
export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  blocks(cleanBlock(source).split('\n'), fragment);
  return fragment;
}

function blocks(lines, out) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) { i++; continue; }
    if ((m = FENCE.exec(line))) {
      const close = new RegExp(`^ {0,3}${m[1][0]}{${m[1].length},}\\s*$`);
      const body = [];
      for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
      i++;
      out.append(h('pre', null, h('code', { class: m[2] ? `lang-${m[2]}` : null }, text(body.join('\n')))));
    } else if (INDENTED.test(line)) {
      const body = [];
      for (; i < lines.length && (INDENTED.test(lines[i]) || !lines[i].trim()); i++) body.push(lines[i].replace(INDENTED, ''));
      while (body.length && !body[body.length - 1].trim()) body.pop();
      out.append(h('pre', null, h('code', null, text(body.join('\n')))));
    } else if ((m = HEADING.exec(line))) {
      out.append(h(`h${Math.max(4, m[1].length)}`, null, inline(m[2] ?? '')));
      i++;
    } else if (RULE.test(line)) {
      out.append(h('hr'));
      i++;
    } else if (QUOTE.test(line)) {
      const body = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) body.push(lines[i].replace(QUOTE, ''));
      const quote = h('blockquote');
      blocks(body, quote);
      out.append(quote);
    } else if (ITEM.test(line)) {
      i = list(lines, i, out);
    } else if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      i = table(lines, i, out);
    } else {
      const para = [line.trim()];
      for (i++; i < lines.length && lines[i].trim() && !startsBlock(lines[i]) && !SETEXT.test(lines[i]); i++) para.push(lines[i].trim());
      if (i < lines.length && SETEXT.test(lines[i])) {
        out.append(h(lines[i].trim()[0] === '=' ? 'h3' : 'h4', null, inline(para.join('\n'))));
        i++;
      } else {
        out.append(h('p', null, inline(para.join('\n'))));
      }
    }
  }
}

function list(lines, i, out) {
  const first = ITEM.exec(lines[i]);
  const ordered = /\d/.test(first[2]);
  const el = ordered ? h('ol', { start: parseInt(first[2], 10) !== 1 ? parseInt(first[2], 10) : null }) : h('ul');
  let tight = true;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || /\d/.test(m[2]) !== ordered) break;
    const indent = m[1].length + m[2].length + Math.min(m[3].length || 1, 4);
    const body = [m[4]];
    let blank = false;
    for (i++; i < lines.length; i++) {
      const next = lines[i];
      if (!next.trim()) { blank = true; body.push(''); continue; }
      const lead = next.length - next.trimStart().length;
      if (lead >= indent) { body.push(next.slice(indent)); if (blank) tight = false; blank = false; continue; }
      if (blank || ITEM.test(next) || startsBlock(next)) break;
      body.push(next.trim()); // a lazy continuation of the item's paragraph
    }
    while (body.length && !body[body.length - 1].trim()) body.pop();
    const li = h('li');
    const box = /^\[([ xX])\]\s+/.exec(body[0] ?? '');
    if (box) body[0] = body[0].slice(box[0].length);
    blocks(body, li);
    if (box) {
      li.className = 'task';
      const mark = h('span', { class: 'box', 'aria-label': box[1] === ' ' ? 'not done' : 'done' }, box[1] === ' ' ? '☐ ' : '☑ ');
      (li.firstChild?.nodeName === 'P' ? li.firstChild : li).prepend(mark);
    }
    el.append(li);
    const next = ITEM.exec(lines[i] ?? '');
    if (blank && next && /\d/.test(next[2]) === ordered) tight = false;
  }
  if (tight) for (const p of el.querySelectorAll(':scope > li > p')) p.replaceWith(...p.childNodes);
  out.append(el);
  return i;
}

function cells(line) {
  const cut = line.trim().replace(/^\|/, '').replace(/(^|[^\\])\|$/, '$1');
  return cut.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function table(lines, i, out) {
  const names = cells(lines[i]);
  const head = h('tr', null, names.map((c) => h('th', { scope: 'col' }, inline(c))));
  const body = h('tbody');
  for (i += 2; i < lines.length && lines[i].includes('|') && lines[i].trim(); i++) {
    const row = cells(lines[i]);
    body.append(h('tr', null, names.map((_, k) => h('td', null, inline(row[k] ?? '')))));
  }
  out.append(h('div', { class: 'table-wrap' }, h('table', null, h('thead', null, head), body)));
  return i;
}

const INLINE = new RegExp([
  /(`+)([^`]|[^`][\s\S]{0,2000}?[^`])\1(?!`)/.source, // 1, 2: code span
  /\\([!-/:-@[-`{-~])/.source, // 3: backslash escape
  /(!?)\[((?:[^[\]\\]|\\.){0,500})\]\(\s*<?([^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/.source, // 4, 5, 6: link, image
  /\*\*(?=\S)([\s\S]{0,500}?\S)\*\*/.source, // 7: strong
  /(?<![\w])__(?=\S)([\s\S]{0,500}?\S)__(?![\w])/.source, // 8: strong
  /\*(?=[^\s*])([\s\S]{0,500}?[^\s*])\*(?!\*)/.source, // 9: em
  /(?<![\w])_(?=[^\s_])([\s\S]{0,500}?[^\s_])_(?![\w])/.source, // 10: em
  /~~(?=\S)([\s\S]{0,500}?\S)~~/.source, // 11: strike-through
  /<(https?:\/\/[^\s<>]+)>/.source, // 12: autolink
  /(https?:\/\/[^\s<>]*[^\s<>.,;:!?)\]'"*_])/.source, // 13: bare URL
  /\b(PR-\d{1,6})\b/.source, // 14: a PR of this list
].join('|'), 'g');

const link = (url, children) => h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, children);

/** Inline markdown as an array of nodes; links = false inside a link's text (no nested links). */
function inline(source, links = true) {
  const nodes = [];
  let last = 0;
  for (const m of source.matchAll(INLINE)) {
    if ((m[4] !== undefined || m[12] || m[13] || m[14]) && !links) continue;
    if (m.index > last) nodes.push(text(source.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[2] !== undefined) {
      const code = m[2].replace(/\n/g, ' ');
      nodes.push(h('code', null, text(/^ .* $/.test(code) ? code.slice(1, -1) : code)));
    } else if (m[3]) nodes.push(text(m[3]));
    else if (m[4] !== undefined) {
      const label = m[4] ? [text(m[4] === '!' ? 'image: ' : ''), ...inline(m[5] || m[6], false)] : inline(m[5], false);
      nodes.push(SAFE_URL.test(m[6]) ? link(m[6], label) : h('span', { class: 'unsafe-link' }, label));
    } else if (m[7] || m[8]) nodes.push(h('strong', null, inline(m[7] || m[8], links)));
    else if (m[9] || m[10]) nodes.push(h('em', null, inline(m[9] || m[10], links)));
    else if (m[11]) nodes.push(h('del', null, inline(m[11], links)));
    else if (m[12] || m[13]) nodes.push(link(m[12] || m[13], text(m[12] || m[13])));
    else if (m[14]) nodes.push(h('a', { href: `#/pr/${m[14]}`, class: 'pr-ref' }, m[14]));
  }
  if (last < source.length) nodes.push(text(source.slice(last)));
  return nodes;
}
