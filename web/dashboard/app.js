// nzeza dashboard: log in with an API key, then watch and steer the running server.
// Data: the /api/v1/stream socket when the server offers it, REST polling otherwise and while the
// socket is down (live.js). Every panel is redrawn from the state below; every server text goes in
// as text (panels.js). The key lives in sessionStorage only: never in a URL, a cookie or a log.
//
// For the browser test: <body data-view> is "login" or "dashboard"; the header's #connection has
// data-state live|polling|reconnecting|offline; price tiles carry data-symbol; the charts' boxes
// carry data-candles / data-markers / data-points; result lines carry data-kind ok|error|wait.
import { ApiError, capabilities, makeApi, toSeconds } from './api.js';
import { CandleChart, EquityChart } from './charts.js';
import { Live } from './live.js';
import { age, clock, el, labelValue, metricSamples, renderRows, say, signClass } from './panels.js';

const STORAGE_KEY = 'nzeza.api_key';
const FINAL_ORDER_STATES = new Set([
  'filled', 'cancelled', 'canceled', 'rejected', 'refused', 'expired', 'closed', 'done', 'failed',
]);
const MAX_ACTIVITY = 100;
const MAX_FILL_ROWS = 50;
const MAX_FILLS = 2000; // kept in the page (markers and table); the oldest go first
const FILL_HISTORY_S = 86400; // fills shown from a day before the login
const ORDER_VERDICT_MS = 20000;

const $ = (id) => document.getElementById(id);

const s = {
  api: null,
  live: null,
  caps: null,
  candles: null,
  equity: null,
  symbols: [],
  selected: null,
  prices: new Map(), // symbol -> {reference, fresh, venues}
  feeds: new Map(), // feed -> {state, age_s, decode_errors}
  positions: new Map(), // "symbol venue" -> item
  orders: new Map(), // client_order_id -> item
  fills: new Map(), // "venue/trade_id" -> fill
  signals: new Map(), // symbol -> item
  portfolio: null,
  kill: undefined,
  halted: false,
  activity: [],
  activityKeys: new Set(),
  auditSince: 0,
  tradesSince: 0,
  serverTime: 0, // unix seconds of the server's last answer
  ticks: 0,
  pending: null, // a manual order waiting for the gate's verdict
  candlesLoaded: new Set(), // symbols whose candle history came from /candles
};

// ── login ────────────────────────────────────────────────────────────────────────────────────

function showView(view) {
  document.body.dataset.view = view;
  $('login').hidden = view !== 'login';
  $('dashboard').hidden = view !== 'dashboard';
  $('logout').hidden = view !== 'dashboard';
}

function logout(message) {
  sessionStorage.removeItem(STORAGE_KEY);
  if (s.live) s.live.stop();
  if (message) sessionStorage.setItem('nzeza.logout_reason', message);
  location.reload(); // drops every datum of the session with the page
}

async function login(key) {
  const api = makeApi(key, null);
  try {
    await api.get('/api/v1/status');
  } catch (e) {
    say($('login-error'), e.status === 401 ? `key refused: ${e.message}` : e.message, 'error');
    return;
  }
  sessionStorage.setItem(STORAGE_KEY, key);
  $('api-key').value = '';
  await start(key);
}

// ── applying data (REST answers and stream events have the same shapes) ─────────────────────

function noteTime(iso) {
  const t = toSeconds(iso);
  if (t !== undefined) s.serverTime = Math.max(s.serverTime, t);
}

function ensureSymbol(symbol) {
  if (s.symbols.includes(symbol)) return;
  s.symbols.push(symbol);
  const select = $('order-symbol');
  select.append(el('option', '', symbol));
  if (!s.selected) selectSymbol(symbol);
}

function selectSymbol(symbol) {
  s.selected = symbol;
  s.candles.show(symbol);
  for (const tile of $('prices').children)
    tile.setAttribute('aria-selected', String(tile.dataset.symbol === symbol));
  $('candles-note').textContent = `${symbol}: ${s.candles.interval} s candles${
    s.caps.candles ? '' : ' (the server\'s closed candles; the others from the reference prices this page received)'
  }; arrows are fills.`;
}

function applyPrice(p, t) {
  ensureSymbol(p.symbol);
  const before = s.prices.get(p.symbol);
  s.prices.set(p.symbol, p);
  let tile = $('prices').querySelector(`[data-symbol="${CSS.escape(p.symbol)}"]`);
  if (!tile) {
    tile = el('button', 'price-tile');
    tile.type = 'button';
    tile.setAttribute('role', 'tab');
    tile.dataset.symbol = p.symbol;
    tile.append(el('span', 'symbol', p.symbol), el('span', 'price', '—'), el('span', 'hint', ''));
    tile.addEventListener('click', () => selectSymbol(p.symbol));
    $('prices').append(tile);
    tile.setAttribute('aria-selected', String(p.symbol === s.selected));
  }
  const text = p.reference === null || p.reference === undefined ? '—' : p.reference;
  tile.querySelector('.price').textContent = text;
  tile.dataset.fresh = String(p.fresh !== false);
  const venues = Array.isArray(p.venues) ? p.venues.length : p.venues;
  tile.querySelector('.hint').textContent =
    p.fresh === false ? 'stale: no trading' : `${venues ?? 0} venue${venues === 1 ? '' : 's'}`;
  if (before && before.reference && p.reference && before.reference !== p.reference)
    tile.dataset.move = Number(p.reference) > Number(before.reference) ? 'up' : 'down';
  // The bar in progress follows the reference price; a candle from the server (stream or
  // /candles) replaces the bar of its interval with the server's own figures.
  if (p.reference && t !== undefined) s.candles.samplePrice(p.symbol, Number(p.reference), t);
}

function applyFeeds(list) {
  for (const f of list) {
    const name = f.venue || f.feed || f.name;
    s.feeds.set(name, { ...(s.feeds.get(name) || {}), ...f });
  }
  drawFeeds();
}

function drawFeeds() {
  const good = (st) => /connected|in-process|scripted|live/i.test(st || '') && !/dis/i.test(st);
  renderRows(
    $('feeds'),
    Array.from(s.feeds.entries()),
    ([name, f]) => [
      name,
      f.state,
      age(f.age_s ?? (f.age_ms !== undefined ? f.age_ms / 1000 : undefined)),
      f.decode_errors ?? '—',
    ],
    'no feed',
    ([, f]) => ({ state: good(f.state) ? 'good' : 'bad' }),
  );
}

function applyPositions(list, replace) {
  if (replace) s.positions.clear();
  for (const p of list) {
    const key = `${p.symbol} ${p.venue}`;
    if (/^-?0*(\.0*)?$/.test(String(p.quantity))) s.positions.delete(key);
    else s.positions.set(key, p);
  }
  renderRows(
    $('positions'),
    Array.from(s.positions.values()),
    (p) => [
      p.symbol,
      p.venue,
      { text: p.quantity, cls: String(p.quantity).startsWith('-') ? 'sell' : 'buy' },
      p.average_entry,
      p.mark ?? '—',
      { text: p.unrealized_pnl, cls: signClass(p.unrealized_pnl) },
      { text: p.realized_pnl, cls: signClass(p.realized_pnl) },
    ],
    'flat: no position',
  );
}

function applyOrders(list, replace) {
  if (replace) s.orders.clear();
  for (const o of list) {
    const state = String(o.state || o.status || '').toLowerCase();
    if (FINAL_ORDER_STATES.has(state)) s.orders.delete(o.client_order_id);
    else s.orders.set(o.client_order_id, o);
  }
  renderRows(
    $('orders'),
    Array.from(s.orders.values()),
    (o) => {
      const cells = [o.symbol, o.venue, o.description || o.state || '', o.client_order_id];
      if (!s.caps.cancel) return [...cells, ''];
      const b = el('button', 'quiet cancel', 'Cancel');
      b.type = 'button';
      b.addEventListener('click', () => cancelOrder(o.client_order_id, b));
      return [...cells, b];
    },
    'no open order',
    (o) => ({ clientOrderId: o.client_order_id }),
  );
}

function applyFill(f) {
  const id = `${f.venue}/${f.trade_id}`;
  if (s.fills.has(id)) return;
  s.fills.set(id, f);
  if (s.fills.size > MAX_FILLS) s.fills.delete(s.fills.keys().next().value);
  s.candles.addFill(f, toSeconds);
  noteTime(f.time);
}

function drawFills() {
  const rows = Array.from(s.fills.values())
    .sort((a, b) => (toSeconds(b.time) ?? 0) - (toSeconds(a.time) ?? 0))
    .slice(0, MAX_FILL_ROWS);
  renderRows(
    $('fills'),
    rows,
    (f) => [
      clock(f.time),
      f.symbol,
      { text: f.side, cls: f.side },
      f.price,
      f.quantity,
      `${f.fee} ${f.fee_currency || ''}`.trim(),
    ],
    'no fill yet',
    (f) => ({ tradeId: f.trade_id }),
  );
}

// REST items ({symbol, last_signal, warm_candles, warm_needed}) and stream signals ({symbol, kind,
// confidence, strategy, from_operator}) update the same row.
function applySignals(list) {
  for (const x of list) {
    const before = s.signals.get(x.symbol) || {};
    const row = { ...before, ...x };
    if (x.last_signal === null && before.last_signal) row.last_signal = before.last_signal;
    if (x.kind !== undefined) {
      const who = x.from_operator ? 'operator' : x.strategy || '';
      row.last_signal = `${x.kind} ${Number(x.confidence).toFixed(2)}${who ? ` (${who})` : ''}`;
    }
    s.signals.set(x.symbol, row);
  }
  renderRows(
    $('signals'),
    Array.from(s.signals.values()),
    (x) => [
      x.symbol,
      x.last_signal ?? '—',
      x.warm_needed ? `${Math.min(x.warm_candles, x.warm_needed)}/${x.warm_needed}` : '—',
    ],
    'no signal yet',
  );
}

function applyPortfolio(p, t) {
  s.portfolio = { ...(s.portfolio || {}), ...p };
  const figures = [
    ['equity', s.portfolio.equity],
    ['cash', s.portfolio.cash],
    ['realised PnL', s.portfolio.realized_pnl],
    ['unrealised PnL', s.portfolio.unrealized_pnl],
    ['fees', s.portfolio.fees],
    ['fills', s.portfolio.fills],
  ].filter(([, v]) => v !== undefined);
  const nodes = figures.map(([name, value]) => {
    const d = el('div');
    d.append(el('dt', '', name), el('dd', /pnl/i.test(name) ? signClass(value) : '', value));
    return d;
  });
  $('portfolio-figures').replaceChildren(...nodes);
  if (s.portfolio.equity !== undefined && t) s.equity.add(t, s.portfolio.equity);
}

function applyKill(engaged, halted) {
  s.kill = Boolean(engaged);
  if (halted !== undefined) s.halted = Boolean(halted);
  $('kill-state').textContent = s.kill ? 'ON: no new entries' : s.halted ? 'off (trading halted)' : 'off';
  $('kill-state').dataset.engaged = String(s.kill);
  $('kill-badge').hidden = !s.kill;
  $('kill-toggle').textContent = s.kill ? 'Release the kill switch' : 'Engage the kill switch';
}

function addActivity(a) {
  const key = `${a.time}|${a.kind}|${a.text}`;
  if (s.activityKeys.has(key)) return false;
  s.activityKeys.add(key);
  s.activity.unshift(a);
  if (s.activity.length > MAX_ACTIVITY) s.activityKeys.delete(keyOf(s.activity.pop()));
  const li = el('li');
  li.dataset.kind = a.kind;
  if (a.level) li.dataset.level = a.level;
  li.append(el('span', 'time', `${clock(a.time)} `), el('span', 'kind', a.kind), ` ${a.text}`);
  const list = $('activity-list');
  list.prepend(li);
  while (list.children.length > MAX_ACTIVITY) list.lastChild.remove();
  return true;
}

function keyOf(a) {
  return `${a.time}|${a.kind}|${a.text}`;
}

// The gate's verdict on the manual order we sent: the audit log holds our operator signal, then
// a refusal or an order for that symbol (the execution actor writes them in one step).
function watchVerdict(a) {
  const p = s.pending;
  if (!p || !a.fields || a.fields.symbol !== p.symbol) return;
  if ((toSeconds(a.time) ?? 0) < p.since) return;
  if (a.kind === 'signal' && a.fields.operator === 'true') p.seen = true;
  else if (p.seen && a.kind === 'refusal') {
    say($('order-result'), `Refused: ${a.fields.detail || a.text} (${a.fields.reason || 'gate'})`, 'error');
    s.pending = null;
  } else if (p.seen && a.kind === 'order') {
    say($('order-result'), `Order sent: ${a.text}`, 'ok');
    s.pending = null;
  }
}

function applyAudit(list) {
  for (const a of list) {
    noteTime(a.time);
    addActivity(a);
    watchVerdict(a);
    const t = toSeconds(a.time);
    if (t !== undefined) s.auditSince = Math.max(s.auditSince, t);
  }
}

// ── REST polling (live.js calls this each second, or every 10 s as a resync beside the stream) ─

async function pollAudit() {
  const r = await s.api.get(`/api/v1/audit?since=${s.auditSince}&limit=200`);
  applyAudit(r.audit || []);
}

async function poll() {
  const api = s.api;
  const tick = ++s.ticks;
  const [prices, status, orders, positions, portfolio, signals, trades] = await Promise.all([
    api.get('/api/v1/prices'),
    api.get('/api/v1/status'),
    api.get('/api/v1/orders'),
    api.get('/api/v1/positions'),
    api.get('/api/v1/portfolio'),
    api.get('/api/v1/signals'),
    api.get(`/api/v1/trades?since=${s.tradesSince}&limit=500`),
  ]);
  noteTime(prices.time);
  const t = toSeconds(prices.time);
  for (const p of prices.prices || []) applyPrice(p, t);
  applyFeeds(prices.feeds || []);
  applyKill(status.kill_switch, status.halted);
  $('mode').textContent = status.mode || '';
  applyOrders(orders.open_orders || [], true);
  applyPositions(positions.positions || [], true);
  applyPortfolio(portfolio, t);
  applySignals(signals.signals || []);
  for (const f of trades.trades || []) {
    applyFill(f);
    const ft = toSeconds(f.time);
    if (ft !== undefined) s.tradesSince = Math.max(s.tradesSince, ft);
  }
  drawFills();
  await pollAudit();
  if (s.caps.candles && s.selected) await pollCandles(s.selected);
  if (tick % 5 === 1) await pollDecodeErrors();
}

// The history once per symbol, then the last few candles (the open one changes each tick).
async function pollCandles(symbol) {
  const limit = s.candlesLoaded.has(symbol) ? 3 : 500;
  const r = await s.api.get(`/api/v1/candles?symbol=${encodeURIComponent(symbol)}&limit=${limit}`);
  s.candlesLoaded.add(symbol);
  const list = Array.isArray(r) ? r : r.candles || [];
  for (const c of list) s.candles.candle(symbol, c, toSeconds);
}

// Decode errors per feed are counters of /metrics (read scope): read from the text once in 5 s.
async function pollDecodeErrors() {
  let text;
  try {
    text = await s.api.get('/metrics');
  } catch (e) {
    return; // the other panels go on without this column
  }
  for (const [labels, value] of metricSamples(text, 'nzeza_feed_decode_errors_total')) {
    const feed = labelValue(labels, 'feed');
    if (feed !== undefined) s.feeds.set(feed, { ...(s.feeds.get(feed) || {}), decode_errors: value });
  }
  drawFeeds();
}

// ── stream events ────────────────────────────────────────────────────────────────────────────

function onEvent(topic, data, time) {
  noteTime(time);
  const t = toSeconds(time);
  switch (topic) {
    case 'prices':
      applyPrice(data, t);
      break;
    case 'candles':
      s.candles.candle(data.symbol, data, toSeconds);
      break;
    case 'signals':
      applySignals([data]);
      break;
    case 'orders':
      // An order item (as GET /orders), or the server's event about an order ({event, text, at}
      // and its fields): the event is shown and the open orders are read again.
      if (data.event === undefined && data.client_order_id !== undefined)
        applyOrders([data], false);
      else eventNote(data, time, refreshOrders);
      break;
    case 'fills':
      // A trade item (as GET /trades), or the server's fill event: shown, then the trades read
      // again (their venue and time make a fill's identity).
      if (data.event === undefined && data.trade_id !== undefined) {
        applyFill(data);
        drawFills();
        addActivity({ time: data.time, kind: 'fill', text: `${data.symbol} ${data.side} ${data.quantity} @ ${data.price}` });
      } else eventNote(data, time, refreshFills);
      break;
    case 'positions':
      applyPositions([data], false);
      break;
    case 'metrics':
      if (data.mode) $('mode').textContent = data.mode;
      if (Array.isArray(data.feeds)) applyFeeds(data.feeds);
      if (data.kill_switch !== undefined) applyKill(data.kill_switch, data.halted);
      applyPortfolio(
        Object.fromEntries(
          ['equity', 'cash', 'realized_pnl', 'unrealized_pnl', 'fees', 'fills']
            .filter((k) => data[k] !== undefined)
            .map((k) => [k, data[k]]),
        ),
        t,
      );
      break;
    case 'alerts':
      addActivity({ time: data.at || time, kind: data.source || 'alert', level: data.level, text: data.message });
      break;
    default:
      break;
  }
}

function eventNote(data, time, refresh) {
  if (data.text !== undefined)
    addActivity({ time: data.at || time, kind: data.event || 'event', text: data.text });
  refresh().catch(() => {}); // the next poll or resync reports a failure
}

async function refreshOrders() {
  const r = await s.api.get('/api/v1/orders');
  applyOrders(r.open_orders || [], true);
}

async function refreshFills() {
  const r = await s.api.get(`/api/v1/trades?since=${s.tradesSince}&limit=500`);
  for (const f of r.trades || []) {
    applyFill(f);
    const ft = toSeconds(f.time);
    if (ft !== undefined) s.tradesSince = Math.max(s.tradesSince, ft);
  }
  drawFills();
}

// ── actions ──────────────────────────────────────────────────────────────────────────────────

async function placeOrder(ev) {
  ev.preventDefault();
  const body = { symbol: $('order-symbol').value, side: $('order-side').value };
  const quantity = s.caps.quantity ? $('order-quantity').value.trim() : '';
  const limit = s.caps.limit ? $('order-limit').value.trim() : '';
  if (limit && !quantity) {
    say($('order-result'), 'A limit price needs a quantity (without one the server sizes a market order).', 'error');
    return;
  }
  if (quantity) body.quantity = quantity;
  if (limit) body.limit_price = limit;
  const button = $('order-submit');
  button.disabled = true;
  say($('order-result'), `Sending ${body.side} ${body.symbol}…`, 'wait');
  try {
    const r = await s.api.post('/api/v1/orders', body);
    if (r && r.client_id !== undefined) {
      // With a quantity the gate answers at once: 202 is "passed and sent" (a refusal is a 422).
      const at = r.limit_price ? ` limit ${r.limit_price}` : ' market';
      say($('order-result'), `Order sent: #${r.client_id} ${r.side} ${r.quantity} ${r.symbol}${at}`, 'ok');
      return;
    }
    s.pending = { symbol: body.symbol, since: s.serverTime - 1, seen: false };
    say($('order-result'), `${body.side} ${body.symbol}: handed to execution; waiting for the risk gate…`, 'wait');
    await waitForVerdict(s.pending);
  } catch (e) {
    say($('order-result'), `Refused (${e.status || 'no answer'}): ${e.message}`, 'error');
  } finally {
    button.disabled = document.body.dataset.scope === 'read';
  }
}

async function waitForVerdict(p) {
  const until = Date.now() + ORDER_VERDICT_MS;
  while (s.pending === p && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      await pollAudit();
    } catch (e) {
      // the regular poll reports the connection
    }
  }
  if (s.pending === p) {
    s.pending = null;
    say($('order-result'), 'No order and no refusal in 20 s: is the position already held that way? See Activity.', 'wait');
  }
}

// A cancel the API refuses with 409 (the stop of a held position) is shown with the API's reason
// and a second button that insists (?force=true).
async function cancelOrder(id, button, force) {
  button.disabled = true;
  const result = $('orders-result');
  try {
    const q = force ? '?force=true' : '';
    const r = await s.api.del(`/api/v1/orders/${encodeURIComponent(id)}${q}`);
    say(result, `Cancel of ${id} asked${r && r.note ? `: ${r.note}` : ''}`, 'ok');
  } catch (e) {
    say(result, `Cancel of ${id} refused (${e.status || 'no answer'}): ${e.message}`, 'error');
    button.disabled = false;
    if (e.status === 409 && !force) {
      const insist = el('button', 'danger', 'Cancel it anyway');
      insist.type = 'button';
      insist.addEventListener('click', () => cancelOrder(id, insist, true));
      result.append(' ', insist);
    }
  }
}

function askKill() {
  const engage = !s.kill;
  $('kill-question').textContent = engage
    ? 'Engage the kill switch? No new entry is sent until it is released (exits still work).'
    : 'Release the kill switch? Strategies and manual orders may open positions again.';
  $('kill-yes').dataset.engage = String(engage);
  $('kill-confirm').hidden = false;
  $('kill-toggle').disabled = true;
}

async function setKill() {
  const engage = $('kill-yes').dataset.engage === 'true';
  $('kill-confirm').hidden = true;
  try {
    const r = await s.api.post('/api/v1/kill-switch', { engage, reason: 'dashboard' });
    applyKill(r.engaged);
    say($('kill-result'), `Kill switch ${r.engaged ? 'engaged' : 'released'}.`, 'ok');
  } catch (e) {
    say($('kill-result'), `Refused (${e.status || 'no answer'}): ${e.message}`, 'error');
  } finally {
    $('kill-toggle').disabled = Boolean(document.body.dataset.scope) && document.body.dataset.scope !== 'admin';
  }
}

// A server whose OpenAPI document does not list the stream may still serve it: its metrics
// then carry the stream's families.
async function streamInMetrics() {
  try {
    return /^nzeza_api_stream_clients[ {]/m.test(await s.api.get('/metrics'));
  } catch (e) {
    return false;
  }
}

// The stream names the key's scope: controls it may not use are disabled with the reason (the
// API would answer 403 anyway).
function applyScope(scope) {
  document.body.dataset.scope = scope;
  const trade = scope === 'trade' || scope === 'admin';
  $('order-submit').disabled = !trade;
  if (!trade) say($('order-result'), 'This key has scope read: orders need trade.', '');
  $('kill-toggle').disabled = scope !== 'admin';
  if (scope !== 'admin')
    say($('kill-result'), `This key has scope ${scope}: the kill switch needs admin.`, '');
}

// ── start ────────────────────────────────────────────────────────────────────────────────────

function setConnection(state, detail) {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = state === 'live' ? 'live' : state === 'polling' ? 'polling' : 'reconnecting…';
  badge.title = detail || '';
}

async function start(key) {
  s.api = makeApi(key, (message) => logout(`logged out: ${message}`));
  showView('dashboard');
  s.candles = new CandleChart($('candles'));
  s.equity = new EquityChart($('equity'));
  s.caps = await capabilities();
  if (!s.caps.stream) s.caps.stream = await streamInMetrics();
  $('order-quantity-field').hidden = !s.caps.quantity;
  $('order-limit-field').hidden = !s.caps.limit;
  try {
    const config = await s.api.get('/api/v1/config');
    s.candles.setInterval(config.candle_interval_s);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
  // The audit log from five minutes before this page, fills from a day before.
  s.auditSince = Math.floor(Date.now() / 1000) - 300;
  s.tradesSince = Math.floor(Date.now() / 1000) - FILL_HISTORY_S;
  s.live = new Live({
    key,
    useStream: s.caps.stream,
    poll,
    onEvent,
    onState: setConnection,
    onUnauthorized: (message) => logout(`logged out: ${message}`),
    onScope: applyScope,
  });
  s.live.start();
}

function main() {
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = $('api-key').value.trim();
    if (key) login(key);
  });
  $('logout').addEventListener('click', () => logout());
  $('order-form').addEventListener('submit', placeOrder);
  $('kill-toggle').addEventListener('click', askKill);
  $('kill-yes').addEventListener('click', setKill);
  $('kill-no').addEventListener('click', () => {
    $('kill-confirm').hidden = true;
    $('kill-toggle').disabled = false;
  });
  const reason = sessionStorage.getItem('nzeza.logout_reason');
  if (reason) {
    sessionStorage.removeItem('nzeza.logout_reason');
    say($('login-error'), reason, 'error');
  }
  const key = sessionStorage.getItem(STORAGE_KEY);
  if (key) login(key);
  else showView('login');
}

main();
