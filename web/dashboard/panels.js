// DOM helpers of the dashboard. Every text from the server goes in with textContent (a symbol
// or a message that looks like markup stays text); nothing is built from HTML strings.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Replaces the rows of `table`'s body: one per item, its cells from cells(item) — each a string,
// a Node, or {text, cls}. An empty list shows `empty` across the table.
export function renderRows(section, items, cells, empty, rowAttrs) {
  const tbody = section.querySelector('tbody');
  const columns = section.querySelectorAll('thead th').length;
  const rows = [];
  for (const item of items) {
    const tr = el('tr');
    if (rowAttrs) for (const [k, v] of Object.entries(rowAttrs(item))) tr.dataset[k] = v;
    for (const c of cells(item)) {
      const td = el('td');
      if (c instanceof Node) td.append(c);
      else if (c && typeof c === 'object') {
        td.textContent = c.text === undefined || c.text === null ? '' : String(c.text);
        if (c.cls) td.className = c.cls;
      } else td.textContent = c === undefined || c === null ? '' : String(c);
      tr.append(td);
    }
    rows.push(tr);
  }
  if (rows.length === 0) {
    const td = el('td', 'empty', empty);
    td.colSpan = columns;
    const tr = el('tr');
    tr.append(td);
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

// A decimal string's sign as a class (pos, neg or none), without turning it into a number.
export function signClass(decimal) {
  if (typeof decimal !== 'string' || decimal === '') return '';
  if (decimal.startsWith('-')) return /[1-9]/.test(decimal) ? 'neg' : '';
  return /[1-9]/.test(decimal) ? 'pos' : '';
}

export function age(seconds) {
  if (seconds === null || seconds === undefined) return 'no data yet';
  const s = Number(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.round(s / 60)} min`;
}

export function clock(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? String(iso) : t.toISOString().slice(11, 19);
}

// Shows `text` in a status line; kind: ok, error, wait or '' (neutral).
export function say(node, text, kind) {
  node.textContent = text;
  node.dataset.kind = kind || '';
}

// The counters of /metrics (Prometheus text) for one family: label set text -> value.
export function metricSamples(text, family) {
  const out = new Map();
  for (const line of String(text).split('\n')) {
    if (!line.startsWith(family)) continue;
    const rest = line.slice(family.length);
    let labels = '';
    let value = rest.trim();
    if (rest.startsWith('{')) {
      const end = rest.lastIndexOf('}');
      labels = rest.slice(1, end);
      value = rest.slice(end + 1).trim();
    } else if (!rest.startsWith(' ')) continue;
    out.set(labels, value.split(' ')[0]);
  }
  return out;
}

// The value of one label in a Prometheus label set text: feed="coinbase" -> coinbase.
export function labelValue(labels, name) {
  const at = labels.indexOf(`${name}="`);
  if (at < 0) return undefined;
  let out = '';
  for (let i = at + name.length + 2; i < labels.length; ++i) {
    const c = labels[i];
    if (c === '\\') out += labels[++i] === 'n' ? '\n' : labels[i];
    else if (c === '"') return out;
    else out += c;
  }
  return undefined;
}
