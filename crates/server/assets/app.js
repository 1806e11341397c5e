// chronicle's web page: the timeline, a chart per metric series, entities, search, documents
// and an upload form, drawn from the JSON API (/api/openapi.json) with plain DOM calls.
//
// Why no framework and no build step: the page is one file embedded in the binary, so it always
// matches the API it was built with. Safety rule: text from the ledger is only ever written with
// textContent / createTextNode / setAttribute (never innerHTML), and the server's
// Content-Security-Policy forbids inline script, so a report that contains markup shows it as text.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------- DOM helpers (the only way this file creates content) ----------

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  return node;
}

function el(tag, attrs, ...children) {
  return append(setAttrs(document.createElement(tag), attrs), children);
}

function svg(tag, attrs, ...children) {
  return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

/** A text with the character ranges `ranges` ([start, end) in Unicode code points) in <mark>s. */
function highlighted(text, ranges, cls) {
  const chars = Array.from(text || '');
  const out = [];
  let pos = 0;
  const sorted = (ranges || []).filter((r) => r[0] < r[1]).sort((a, b) => a[0] - b[0]);
  for (const [a, b] of sorted) {
    if (a < pos || a >= chars.length) continue;
    out.push(chars.slice(pos, a).join(''));
    out.push(el('mark', { class: cls || 'hit' }, chars.slice(a, Math.min(b, chars.length)).join('')));
    pos = Math.min(b, chars.length);
  }
  out.push(chars.slice(pos).join(''));
  return out;
}

/** The first occurrence of `needle` in `text` as a code-point range, or none. */
function rangeOf(text, needle) {
  if (!text || !needle) return [];
  const i = text.indexOf(needle);
  if (i < 0) return [];
  const start = Array.from(text.slice(0, i)).length;
  return [[start, start + Array.from(needle).length]];
}

// ---------- API and links ----------

async function api(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : response.statusText;
    throw new Error(message + ' (' + response.status + ')');
  }
  return body;
}

const enc = encodeURIComponent;

/** The document view, anchored at the sentence that holds characters start..end. */
function sourceHref(doc, start, end) {
  return '/doc/' + enc(doc) + '?span=' + start + '-' + end + '#source';
}

function hashHref(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return '#' + path + (s ? '?' + s : '');
}

function fmtNumber(v) {
  if (v === null || v === undefined) return '';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'B';
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

const QUALIFIER_SIGN = { exact: '', approx: '≈', more_than: '>', less_than: '<' };

function pointValue(p) {
  const sign = QUALIFIER_SIGN[p.qualifier] || '';
  const v = p.value.toLocaleString('en');
  return sign + (p.value_max !== null && p.value_max !== undefined ? v + '–' + p.value_max.toLocaleString('en') : v);
}

function metricTitle(m) {
  return m.replace(/_/g, ' ');
}

// ---------- small page parts ----------

function pager(path, params, listing) {
  const nav = el('nav', { class: 'pager' });
  if (listing.offset > 0) {
    const prev = Math.max(0, listing.offset - listing.limit);
    nav.appendChild(el('a', { href: hashHref(path, Object.assign({}, params, { offset: prev })) }, '← Previous'));
  }
  const shown = listing.items ? listing.items.length : listing.points.length;
  nav.appendChild(el('span', { class: 'muted' }, shown ? 'rows ' + (listing.offset + 1) + '–' + (listing.offset + shown) : 'no rows'));
  if (listing.next_offset !== null && listing.next_offset !== undefined) {
    nav.appendChild(el('a', { href: hashHref(path, Object.assign({}, params, { offset: listing.next_offset })) }, 'Next →'));
  }
  return nav;
}

function errorBox(err) {
  return el('p', { class: 'error' }, String(err && err.message ? err.message : err));
}

function section(title, ...children) {
  return el('section', {}, el('h2', {}, title), children);
}

// ---------- timeline ----------

function timelineList(items) {
  const list = el('ol', { class: 'timeline' });
  let year = null;
  for (const e of items) {
    const y = e.date ? e.date.slice(0, 4) : 'undated';
    if (y !== year) {
      year = y;
      list.appendChild(el('li', { class: 'year' }, y));
    }
    list.appendChild(
      el(
        'li',
        { class: 'event k-' + e.kind },
        el('div', { class: 'when' }, e.date || '—', e.date_from_document ? el('small', { title: "the report's date" }, ' (report)') : null),
        el(
          'div',
          { class: 'what' },
          el('span', { class: 'badge' }, e.kind.replace(/_/g, ' ')),
          e.place ? el('span', { class: 'place' }, e.place) : null,
          el('q', {}, highlighted(e.sentence, rangeOf(e.sentence, e.text), 'fact')),
          ' ',
          el('a', { class: 'source', href: sourceHref(e.doc, e.start, e.end) }, 'source: ' + e.doc),
        ),
      ),
    );
  }
  return list;
}

async function timelinePage(params) {
  const q = { from: params.get('from'), to: params.get('to'), type: params.get('type'), place: params.get('place') };
  const offset = params.get('offset') || 0;
  const form = el(
    'form',
    { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      location.hash = hashHref('/timeline', Object.fromEntries(f.entries()));
    } },
    el('label', {}, 'From ', el('input', { name: 'from', placeholder: 'YYYY-MM-DD', value: q.from || '', size: 10 })),
    el('label', {}, 'To ', el('input', { name: 'to', placeholder: 'YYYY-MM-DD', value: q.to || '', size: 10 })),
    el('label', {}, 'Type ', el('input', { name: 'type', placeholder: 'meeting', value: q.type || '', size: 12 })),
    el('label', {}, 'Place ', el('input', { name: 'place', value: q.place || '', size: 12 })),
    el('button', { type: 'submit' }, 'Filter'),
  );
  const listing = await api('/api/timeline' + hashHref('', Object.assign({}, q, { offset, limit: 100 })).slice(1));
  return [el('h1', {}, 'Timeline'), form, listing.items.length ? timelineList(listing.items) : el('p', {}, 'No events.'), pager('/timeline', q, listing)];
}

// ---------- charts ----------

function parseDate(d) {
  if (!d) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d);
  if (!m) return null;
  return Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1);
}

function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => span / s <= count) || mag * 10;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(v);
  return ticks;
}

/** A marker for a point: its shape says the qualifier (see the legend). */
function marker(q, x, y) {
  switch (q) {
    case 'more_than':
      return svg('path', { class: 'marker', d: `M${x},${y - 6} L${x + 5.5},${y + 4} L${x - 5.5},${y + 4} Z` });
    case 'less_than':
      return svg('path', { class: 'marker', d: `M${x},${y + 6} L${x + 5.5},${y - 4} L${x - 5.5},${y - 4} Z` });
    case 'approx':
      return svg('circle', { class: 'marker hollow', cx: x, cy: y, r: 5 });
    default:
      return svg('circle', { class: 'marker', cx: x, cy: y, r: 5 });
  }
}

/** An SVG chart of a series: x = date, y = value; ranges as bars, qualifiers as shapes,
 * conflicts ringed in red; every point links to its source sentence. */
function seriesChart(series) {
  const W = 760, H = 300, L = 64, R = 18, T = 16, B = 40;
  const points = series.points.filter((p) => parseDate(p.date) !== null);
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Chart of ' + metricTitle(series.metric), 'data-metric': series.metric });
  root.appendChild(svg('title', {}, 'Chart of ' + metricTitle(series.metric)));
  if (!points.length) {
    root.appendChild(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' }, 'no dated points'));
    return root;
  }
  const xs = points.map((p) => parseDate(p.date));
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x0 === x1) {
    x0 -= 45 * 864e5;
    x1 += 45 * 864e5;
  }
  const vals = points.flatMap((p) => [p.value, p.value_max === null || p.value_max === undefined ? p.value : p.value_max]);
  let y0 = Math.min(0, ...vals), y1 = Math.max(...vals);
  if (y1 === y0) y1 = y0 + 1;
  y1 += (y1 - y0) * 0.08;
  const sx = (t) => L + ((t - x0) / (x1 - x0)) * (W - L - R);
  const sy = (v) => H - B - ((v - y0) / (y1 - y0)) * (H - T - B);
  const axes = svg('g', { class: 'axis' });
  for (const v of niceTicks(y0, y1, 5)) {
    axes.appendChild(svg('line', { x1: L, x2: W - R, y1: sy(v), y2: sy(v), class: 'grid' }));
    axes.appendChild(svg('text', { x: L - 6, y: sy(v) + 4, 'text-anchor': 'end' }, fmtNumber(v)));
  }
  const y0d = new Date(x0).getUTCFullYear(), y1d = new Date(x1).getUTCFullYear();
  const yearStep = Math.max(1, Math.ceil((y1d - y0d + 1) / 8));
  for (let y = y0d; y <= y1d + 1; y += yearStep) {
    const t = Date.UTC(y, 0, 1);
    if (t < x0 || t > x1) continue;
    axes.appendChild(svg('line', { x1: sx(t), x2: sx(t), y1: T, y2: H - B, class: 'grid' }));
    axes.appendChild(svg('text', { x: sx(t), y: H - B + 16, 'text-anchor': 'middle' }, String(y)));
  }
  if (y1d === y0d || yearStep > 1) {
    axes.appendChild(svg('text', { x: L, y: H - 6, 'text-anchor': 'start' }, new Date(x0).toISOString().slice(0, 10)));
    axes.appendChild(svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, new Date(x1).toISOString().slice(0, 10)));
  }
  axes.appendChild(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'base' }));
  root.appendChild(axes);
  const layer = svg('g', { class: 'points' });
  for (const p of points) {
    const x = sx(parseDate(p.date));
    const y = sy(p.value);
    const conflict = p.conflicts && p.conflicts.length > 0;
    const link = svg('a', { href: sourceHref(p.doc, p.start, p.end), class: 'point q-' + p.qualifier + (conflict ? ' conflict' : ''), 'data-doc': p.doc, 'data-text': p.text });
    const tip = p.date + ': ' + pointValue(p) + (p.scope ? ' in ' + p.scope : '') + ' — “' + p.text + '” (' + p.doc + ')' + (conflict ? '\nConflict: ' + p.conflicts.join('; ') : '');
    link.appendChild(svg('title', {}, tip));
    if (p.value_max !== null && p.value_max !== undefined) {
      const ym = sy(p.value_max);
      link.appendChild(svg('line', { class: 'range', x1: x, x2: x, y1: y, y2: ym }));
      link.appendChild(svg('line', { class: 'range', x1: x - 4, x2: x + 4, y1: ym, y2: ym }));
    }
    if (p.qualifier === 'more_than') link.appendChild(svg('line', { class: 'bound', x1: x, x2: x, y1: y - 6, y2: y - 16 }));
    if (p.qualifier === 'less_than') link.appendChild(svg('line', { class: 'bound', x1: x, x2: x, y1: y + 6, y2: y + 16 }));
    if (conflict) link.appendChild(svg('circle', { class: 'ring', cx: x, cy: y, r: 9 }));
    link.appendChild(marker(p.qualifier, x, y));
    layer.appendChild(link);
  }
  root.appendChild(layer);
  return root;
}

function chartLegend() {
  const item = (q, label, extra) => {
    const s = svg('svg', { class: 'key', viewBox: '0 0 24 24', width: 20, height: 20 });
    if (extra) s.appendChild(extra);
    s.appendChild(marker(q, 12, 12));
    return el('span', { class: 'key-item' }, s, label);
  };
  return el(
    'p',
    { class: 'legend' },
    item('exact', 'exact'),
    item('approx', 'about'),
    item('more_than', 'more than'),
    item('less_than', 'less than'),
    el('span', { class: 'key-item' }, append(svg('svg', { class: 'key', viewBox: '0 0 24 24', width: 20, height: 20 }), [svg('line', { class: 'range', x1: 12, x2: 12, y1: 3, y2: 21 })]), 'range'),
    item('exact', 'conflict', svg('circle', { class: 'ring', cx: 12, cy: 12, r: 9 })),
  );
}

function pointsTable(series) {
  const body = el('tbody');
  for (const p of series.points) {
    const conflict = p.conflicts && p.conflicts.length > 0;
    body.appendChild(
      el(
        'tr',
        { class: conflict ? 'conflict' : '' },
        el('td', {}, p.date || 'undated'),
        el('td', { class: 'num' }, pointValue(p)),
        el('td', {}, p.qualifier.replace('_', ' ')),
        el('td', {}, p.scope || ''),
        el('td', {}, el('q', {}, highlighted(p.sentence, rangeOf(p.sentence, p.text), 'fact'))),
        el('td', {}, el('a', { href: sourceHref(p.doc, p.start, p.end) }, p.doc)),
        el('td', {}, conflict ? el('ul', { class: 'conflicts' }, p.conflicts.map((c) => el('li', {}, c))) : ''),
      ),
    );
  }
  return el(
    'div',
    { class: 'scroll' },
    el('table', { class: 'points' }, el('thead', {}, el('tr', {}, ['date', 'value', 'qualifier', 'scope', 'sentence', 'source', 'conflicts'].map((h) => el('th', {}, h)))), body),
  );
}

function chartFigure(series, withLink) {
  const conflicts = series.points.filter((p) => p.conflicts && p.conflicts.length).length;
  const caption = el(
    'figcaption',
    {},
    withLink ? el('a', { href: hashHref('/series/' + enc(series.metric)) }, metricTitle(series.metric)) : metricTitle(series.metric),
    el('span', { class: 'muted' }, ' · ' + series.total + (series.total === 1 ? ' point' : ' points') + (series.cumulative ? ' · cumulative' : '')),
    conflicts ? el('span', { class: 'conflict-count' }, ' · ' + conflicts + ' in conflict') : null,
  );
  return el('figure', { class: 'series' }, caption, seriesChart(series));
}

async function seriesIndexPage() {
  const metrics = await api('/api/metrics');
  const out = [el('h1', {}, 'Series'), chartLegend()];
  if (!metrics.length) out.push(el('p', {}, 'No metric in the ledger yet.'));
  const charts = el('div', { class: 'charts' });
  out.push(charts);
  for (const m of metrics) {
    const s = await api('/api/series/' + enc(m.metric) + '?limit=2000');
    charts.appendChild(chartFigure(s, true));
  }
  return out;
}

async function seriesPage(metric, params) {
  const q = { scope: params.get('scope'), known_on: params.get('known_on') };
  const s = await api('/api/series/' + enc(metric) + hashHref('', Object.assign({ limit: 5000 }, q)).slice(1));
  const form = el(
    'form',
    { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      location.hash = hashHref('/series/' + enc(metric), Object.fromEntries(new FormData(ev.target).entries()));
    } },
    el('label', {}, 'Scope ', el('input', { name: 'scope', value: q.scope || '', placeholder: 'Iraq', size: 10 })),
    el('label', {}, 'As known on ', el('input', { name: 'known_on', value: q.known_on || '', placeholder: 'YYYY-MM-DD', size: 10 })),
    el('button', { type: 'submit' }, 'Show'),
  );
  return [el('h1', {}, metricTitle(metric)), form, chartLegend(), chartFigure(s, false), el('h2', {}, 'Points and their sources'), pointsTable(s)];
}

// ---------- entities ----------

async function entitiesPage(params) {
  const offset = params.get('offset') || 0;
  const listing = await api('/api/entities?limit=100&offset=' + enc(offset));
  const body = el('tbody');
  for (const e of listing.items) {
    body.appendChild(el('tr', {}, el('td', {}, el('a', { href: hashHref('/entity/' + enc(e.canonical)) }, e.canonical)), el('td', {}, e.type), el('td', { class: 'num' }, e.mentions), el('td', { class: 'num' }, e.documents)));
  }
  return [el('h1', {}, 'Entities'), el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, ['name', 'type', 'mentions', 'documents'].map((h) => el('th', {}, h)))), body)), pager('/entities', {}, listing)];
}

function barChart(periods) {
  const dated = periods.filter((p) => p.period !== 'undated');
  const W = 760, H = 180, L = 40, B = 30, T = 10;
  const root = svg('svg', { class: 'chart bars', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Mentions per month' });
  if (!dated.length) return root;
  const max = Math.max(...dated.map((p) => p.mentions));
  const bw = (W - L - 10) / dated.length;
  for (const v of niceTicks(0, max, 4)) {
    const y = H - B - (v / max) * (H - B - T);
    root.appendChild(svg('line', { class: 'grid', x1: L, x2: W - 10, y1: y, y2: y }));
    root.appendChild(svg('text', { class: 'axis', x: L - 4, y: y + 4, 'text-anchor': 'end' }, fmtNumber(v)));
  }
  dated.forEach((p, i) => {
    const h = (p.mentions / max) * (H - B - T);
    const bar = svg('rect', { class: 'bar', x: L + i * bw + 1, y: H - B - h, width: Math.max(1, bw - 2), height: h });
    bar.appendChild(svg('title', {}, p.period + ': ' + p.mentions + ' mentions'));
    root.appendChild(bar);
    if (i === 0 || i === dated.length - 1 || (dated.length <= 24 && i % 3 === 0)) {
      root.appendChild(svg('text', { class: 'axis', x: L + i * bw + bw / 2, y: H - 10, 'text-anchor': 'middle' }, p.period));
    }
  });
  return root;
}

async function entityPage(name) {
  const e = await api('/api/entities/' + enc(name));
  const aliases = el('ul', { class: 'aliases' }, e.aliases.map(([a, n]) => el('li', {}, a, el('span', { class: 'muted' }, ' ×' + n))));
  const recent = el(
    'ul',
    { class: 'mentions' },
    e.recent.map((m) => el('li', {}, el('span', { class: 'when' }, m.published || 'undated'), ' ', el('q', {}, highlighted(m.sentence, rangeOf(m.sentence, m.text), 'fact')), ' ', el('a', { href: sourceHref(m.doc, m.start, m.end) }, m.doc))),
  );
  return [
    el('h1', {}, e.canonical),
    el('p', { class: 'muted' }, e.type + ' · ' + e.mentions + ' mentions in ' + e.documents + ' documents'),
    section('Also written as', aliases),
    section('Mentions over time', el('figure', { class: 'series' }, barChart(e.over_time))),
    section('Latest mentions', recent),
  ];
}

// ---------- search ----------

async function searchPage(params) {
  const q = params.get('q') || '';
  const offset = params.get('offset') || 0;
  const input = el('input', { name: 'q', type: 'search', value: q, placeholder: 'air strikes Mosul', 'aria-label': 'Search words' });
  const form = el('form', { class: 'filters search', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = hashHref('/search', { q: input.value });
  } }, input, el('button', { type: 'submit' }, 'Search'));
  const out = [el('h1', {}, 'Search'), form];
  if (!q.trim()) return out;
  const listing = await api('/api/search?q=' + enc(q) + '&limit=50&offset=' + enc(offset));
  const list = el('ol', { class: 'hits', start: +offset + 1 });
  for (const h of listing.items) {
    list.appendChild(
      el('li', {}, el('p', { class: 'sentence' }, highlighted(h.sentence, h.highlights, 'hit')), el('p', { class: 'muted' }, el('a', { href: sourceHref(h.doc, h.start, h.end) }, h.title || h.doc), h.published ? ' · ' + h.published : '')),
    );
  }
  out.push(listing.items.length ? list : el('p', {}, 'Nothing matches.'), pager('/search', { q }, listing));
  return out;
}

// ---------- documents and upload ----------

async function documentsPage(params) {
  const offset = params.get('offset') || 0;
  const listing = await api('/api/documents?limit=100&offset=' + enc(offset));
  const body = el('tbody');
  for (const d of listing.items) {
    body.appendChild(el('tr', {}, el('td', {}, el('a', { href: '/doc/' + enc(d.id) }, d.title || d.id)), el('td', {}, d.published || ''), el('td', { class: 'num' }, d.facts), el('td', {}, d.duplicate_of ? 'duplicate of ' + d.duplicate_of : '')));
  }
  return [el('h1', {}, 'Documents'), el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, ['document', 'published', 'facts', ''].map((h) => el('th', {}, h)))), body)), pager('/documents', {}, listing)];
}

async function uploadPage() {
  const stats = await api('/api/stats');
  const out = [el('h1', {}, 'Ingest a report')];
  if (!stats.writable) {
    out.push(el('p', { class: 'error' }, 'This server is read-only.'));
    return out;
  }
  const result = el('div', { class: 'result', id: 'upload-result' });
  const token = el('input', { name: 'token', type: 'password', autocomplete: 'off', id: 'token' });
  const send = async (body, query) => {
    result.replaceChildren(el('p', { class: 'muted' }, 'Ingesting…'));
    const headers = { Accept: 'application/json' };
    if (token.value) headers.Authorization = 'Bearer ' + token.value;
    if (typeof body === 'string') headers['Content-Type'] = 'text/plain; charset=utf-8';
    try {
      const r = await fetch('/api/documents' + query, { method: 'POST', headers, body });
      const data = await r.json();
      if (!r.ok) throw new Error(data.error ? data.error.message : r.statusText);
      result.replaceChildren(
        el('p', {}, data.stored + ' stored, ' + data.already_present + ' already present, ' + data.rejected + ' rejected'),
        el('ul', {}, data.results.map((o) => el('li', {}, o.status === 'rejected' ? el('span', { class: 'error' }, o.source + ': ' + o.message) : [el('a', { href: '/doc/' + enc(o.id) }, o.id), ' ' + o.status.replace('_', ' ') + (o.facts !== undefined ? ' (' + o.facts + ' facts)' : '') + (o.duplicate_of ? ', near-duplicate of ' + o.duplicate_of : '')]))),
      );
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  };
  const fileForm = el(
    'form',
    { class: 'upload', id: 'upload-form', onsubmit: (ev) => {
      ev.preventDefault();
      const data = new FormData(ev.target);
      data.delete('token');
      send(data, '');
    } },
    el('label', {}, 'Report files (.txt, .md, .html, .jsonl) ', el('input', { type: 'file', name: 'file', multiple: true, required: true, accept: '.txt,.md,.markdown,.text,.html,.htm,.jsonl,.json,.ndjson' })),
    el('label', {}, 'Title (optional) ', el('input', { name: 'title' })),
    el('label', {}, 'Published (optional) ', el('input', { name: 'published', placeholder: 'YYYY-MM-DD' })),
    el('button', { type: 'submit' }, 'Upload'),
  );
  const text = el('textarea', { name: 'text', rows: 8, id: 'paste', placeholder: 'Paste the text of a report' });
  const pasteId = el('input', { name: 'id', id: 'paste-id', placeholder: 'report id (optional)' });
  const pasteForm = el(
    'form',
    { class: 'upload', id: 'paste-form', onsubmit: (ev) => {
      ev.preventDefault();
      send(text.value, pasteId.value ? '?id=' + enc(pasteId.value) : '');
    } },
    el('label', {}, 'Or paste a report ', text),
    el('label', {}, 'Id ', pasteId),
    el('button', { type: 'submit' }, 'Ingest text'),
  );
  if (stats.token_required) out.push(el('label', { class: 'token' }, 'Token ', token));
  out.push(fileForm, pasteForm, result);
  return out;
}

// ---------- overview and routing ----------

async function overviewPage() {
  const [stats, timeline, metrics] = await Promise.all([api('/api/stats'), api('/api/timeline?limit=30'), api('/api/metrics')]);
  const out = [
    el('h1', {}, 'The campaign’s public record'),
    el('p', { class: 'muted', id: 'stats' }, stats.documents + ' documents · ' + stats.facts + ' facts · ' + stats.duplicates + ' near-duplicates · ' + stats.backend),
  ];
  const charts = el('div', { class: 'charts' });
  out.push(section('Series', chartLegend(), charts));
  for (const m of metrics.slice(0, 8)) {
    const s = await api('/api/series/' + enc(m.metric) + '?limit=2000');
    charts.appendChild(chartFigure(s, true));
  }
  if (!metrics.length) charts.appendChild(el('p', {}, 'No metric yet: ingest some reports.'));
  out.push(section('Timeline', timeline.items.length ? timelineList(timeline.items) : el('p', {}, 'No events yet.'), el('p', {}, el('a', { href: '#/timeline' }, 'The whole timeline →'))));
  return out;
}

async function route() {
  const view = document.getElementById('view');
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  view.setAttribute('aria-busy', 'true');
  let content;
  try {
    switch (parts[0]) {
      case undefined:
        content = await overviewPage();
        break;
      case 'timeline':
        content = await timelinePage(params);
        break;
      case 'series':
        content = parts[1] ? await seriesPage(parts[1], params) : await seriesIndexPage();
        break;
      case 'entities':
        content = await entitiesPage(params);
        break;
      case 'entity':
        content = await entityPage(parts.slice(1).join('/'));
        break;
      case 'search':
        content = await searchPage(params);
        break;
      case 'documents':
        content = await documentsPage(params);
        break;
      case 'upload':
        content = await uploadPage();
        break;
      default:
        content = [el('h1', {}, 'Not found'), el('p', {}, 'No page here.')];
    }
  } catch (err) {
    content = [el('h1', {}, 'Something went wrong'), errorBox(err)];
  }
  view.replaceChildren(...[content].flat());
  view.setAttribute('aria-busy', 'false');
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === '/#/' + (parts[0] || ''));
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', route);
