// nzeza backtest report (docs/backtest-report.md): draws the JSON of the element
// #nzeza-report-data with TradingView's lightweight-charts, inlined before this script as
// window.LightweightCharts.
//
// Rules: the DOM is built with textContent only (a symbol that looks like markup stays text);
// decimals are shown exactly as the report wrote them and turned into numbers only to place them
// on a chart; a missing array renders "no data". Each chart's container gets data-rendered="true"
// once its series and markers are set (the browser test waits for it), and <body> gets
// data-rendered="true" when the whole page is drawn, or data-error with the reason.
(function () {
  'use strict';

  const LWC = window.LightweightCharts;
  const BUY = '#2196f3';
  const SELL = '#ff6d00';
  const UP = '#26a69a';
  const DOWN = '#ef5350';
  const EQUITY = '#5e35b1';
  const MAX_TRADE_ROWS = 500;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function section(parent, title, id) {
    const s = el('section', 'card');
    if (id) s.id = id;
    s.appendChild(el('h2', null, title));
    parent.appendChild(s);
    return s;
  }

  function noData(parent, what) {
    const p = el('p', 'no-data', `No data: ${what}`);
    parent.appendChild(p);
    parent.dataset.empty = 'true';
    return p;
  }

  function isoTime(t) {
    return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  }

  function signClass(decimalText) {
    if (typeof decimalText !== 'string') return '';
    const n = Number(decimalText);
    return n > 0 ? 'pos' : n < 0 ? 'neg' : '';
  }

  function percent(fraction) {
    return typeof fraction === 'number' ? `${(fraction * 100).toFixed(2)} %` : '—';
  }

  function ratio(x) {
    return typeof x === 'number' ? x.toFixed(2) : '—';
  }

  function orDash(x) {
    return x === undefined || x === null || x === '' ? '—' : String(x);
  }

  // A scrollable table: columns [{title, value(row), cls(row)?, num?}].
  function table(parent, columns, rows, caption) {
    const wrap = el('div', 'table-wrap');
    const t = el('table');
    if (caption) t.appendChild(el('caption', null, caption));
    const head = el('tr');
    for (const c of columns) head.appendChild(el('th', c.num ? 'num' : null, c.title));
    t.appendChild(el('thead')).appendChild(head);
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) {
        const cls = [c.num ? 'num' : '', c.cls ? c.cls(r) : ''].filter(Boolean).join(' ');
        tr.appendChild(el('td', cls || null, c.value(r)));
      }
      body.appendChild(tr);
    }
    t.appendChild(body);
    wrap.appendChild(t);
    parent.appendChild(wrap);
    return t;
  }

  function chartOptions(container, extra) {
    return Object.assign(
      {
        autoSize: true,
        layout: { background: { color: '#ffffff' }, textColor: '#333333', fontSize: 12 },
        grid: { vertLines: { color: '#f0f0f0' }, horzLines: { color: '#f0f0f0' } },
        timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#d0d0d0' },
        rightPriceScale: { borderColor: '#d0d0d0' },
        crosshair: { mode: LWC.CrosshairMode.Normal },
      },
      extra || {},
    );
  }

  // Keeps the last point of each second: a chart's times must be strictly ascending, and a
  // backtest may record several equity values within one second.
  function lastPerTime(points) {
    const out = [];
    for (const p of points) {
      if (out.length && out[out.length - 1].time === p.time) out[out.length - 1] = p;
      else out.push(p);
    }
    return out;
  }

  function markRendered(container, chart, details) {
    chart.timeScale().fitContent();
    container.dataset.rendered = 'true';
    for (const [k, v] of Object.entries(details)) container.dataset[k] = String(v);
  }

  function header(root, r) {
    const h = el('header', 'page-header');
    h.appendChild(el('h1', null, 'Backtest report'));
    const facts = el('dl', 'facts');
    const add = (k, v) => {
      facts.appendChild(el('dt', null, k));
      facts.appendChild(el('dd', null, orDash(v)));
    };
    const config = r.config || {};
    const range = r.range || {};
    add('Symbols', (config.symbols || []).join(', '));
    add('From', range.from);
    add('To', range.to);
    add('Configuration', config.file);
    add('Generated', r.generated_at);
    add('nzeza', r.nzeza_version);
    h.appendChild(facts);
    root.appendChild(h);
  }

  function summary(root, r) {
    const s = section(root, 'Summary', 'summary');
    const m = r.summary || {};
    const rows = [
      ['Starting equity', orDash(m.starting_equity), ''],
      ['Final equity', orDash(m.final_equity), ''],
      ['PnL', orDash(m.pnl), signClass(m.pnl)],
      ['Realized PnL', orDash(m.realized_pnl), signClass(m.realized_pnl)],
      ['Fees paid', orDash(m.fees), ''],
      ['Trades', orDash(m.trades), ''],
      ['Wins', orDash(m.wins), ''],
      ['Win rate', percent(m.win_rate), ''],
      ['Max drawdown', `${orDash(m.max_drawdown)} (${percent(m.max_drawdown_fraction)})`, 'neg'],
      ['Sharpe', ratio(m.sharpe), ''],
      ['Sortino', ratio(m.sortino), ''],
      ['Exposure time', percent(m.exposure_time_fraction), ''],
    ];
    const grid = el('dl', 'metrics');
    for (const [k, v, cls] of rows) {
      const item = el('div', 'metric');
      item.appendChild(el('dt', null, k));
      item.appendChild(el('dd', cls || null, v));
      grid.appendChild(item);
    }
    s.appendChild(grid);
    const ev = r.events;
    if (ev) {
      const parts = ['quote', 'trade', 'book', 'status']
        .filter((k) => typeof ev[k] === 'number')
        .map((k) => `${ev[k]} ${k}`);
      const total =
        typeof ev.total === 'number' ? `${ev.total} events replayed` : 'events replayed';
      s.appendChild(el('p', 'events', parts.length ? `${total}: ${parts.join(', ')}` : total));
    }
  }

  function equityChart(root, r) {
    const s = section(root, 'Equity', 'equity');
    const points = (r.equity || []).map((p) => ({ time: p.t, value: Number(p.equity) }));
    if (points.length === 0) return noData(s, 'no equity curve in this report');
    const box = el('div', 'chart chart-equity');
    s.appendChild(box);
    const chart = LWC.createChart(box, chartOptions(box));
    const series = chart.addSeries(LWC.AreaSeries, {
      lineColor: EQUITY,
      topColor: 'rgba(94, 53, 177, 0.28)',
      bottomColor: 'rgba(94, 53, 177, 0.02)',
      lineWidth: 2,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    const data = lastPerTime(points);
    series.setData(data);
    markRendered(box, chart, { series: 1, points: data.length });
    return chart;
  }

  function drawdownChart(root, r) {
    const s = section(root, 'Drawdown', 'drawdown');
    const points = (r.drawdown || []).map((p) => ({ time: p.t, value: -100 * p.fraction }));
    if (points.length === 0) return noData(s, 'no drawdown series in this report');
    const box = el('div', 'chart chart-drawdown');
    s.appendChild(box);
    const chart = LWC.createChart(box, chartOptions(box));
    const series = chart.addSeries(LWC.AreaSeries, {
      lineColor: DOWN,
      topColor: 'rgba(239, 83, 80, 0.05)',
      bottomColor: 'rgba(239, 83, 80, 0.35)',
      invertFilledArea: true,
      lineWidth: 2,
      priceFormat: { type: 'custom', formatter: (v) => `${v.toFixed(2)} %`, minMove: 0.01 },
    });
    const data = lastPerTime(points);
    series.setData(data);
    markRendered(box, chart, { series: 1, points: data.length });
    return chart;
  }

  // The candle that holds time t: the last candle opened at or before t (the first if none).
  function candleTimeOf(times, t) {
    let lo = 0;
    let hi = times.length - 1;
    if (t <= times[0]) return times[0];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return times[lo];
  }

  function tradeLine(trade, leg) {
    const price = leg === 'entry' ? trade.entry_price : trade.exit_price;
    const head = `${leg === 'entry' ? 'Entry' : 'Exit'} ${trade.side} ${trade.quantity} @ ${price}`;
    const extra = [];
    if (leg === 'exit' && trade.pnl !== undefined) extra.push(`PnL ${trade.pnl}`);
    if (leg === 'exit' && trade.exit_reason) extra.push(trade.exit_reason);
    if (trade.strategy) extra.push(trade.strategy);
    return extra.length ? `${head} · ${extra.join(' · ')}` : head;
  }

  function symbolChart(parent, symbol, candles, trades) {
    const s = el('div', 'symbol');
    s.dataset.symbol = symbol;
    s.appendChild(el('h3', null, symbol));
    parent.appendChild(s);
    if (!candles || candles.length === 0) return noData(s, `no candles for ${symbol}`);

    const box = el('div', 'chart chart-candles');
    const tip = el('div', 'tooltip');
    tip.hidden = true;
    box.appendChild(tip);
    s.appendChild(box);
    const chart = LWC.createChart(box, chartOptions(box));
    const series = chart.addSeries(LWC.CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
    const data = candles.map((c) => ({
      time: c.t,
      open: Number(c.o),
      high: Number(c.h),
      low: Number(c.l),
      close: Number(c.c),
    }));
    series.setData(data);

    const times = data.map((d) => d.time);
    const byTime = new Map();
    const markers = [];
    const legAt = (trade, leg, t) => {
      const at = candleTimeOf(times, t);
      if (!byTime.has(at)) byTime.set(at, []);
      byTime.get(at).push(tradeLine(trade, leg));
      const colour = trade.side === 'buy' ? BUY : SELL;
      const long = trade.side === 'buy';
      // An entry points the way the trade bets; its exit closes it from the other side.
      const up = leg === 'entry' ? long : !long;
      markers.push({
        time: at,
        position: up ? 'belowBar' : 'aboveBar',
        shape: up ? 'arrowUp' : 'arrowDown',
        color: colour,
        text: leg === 'exit' && trade.pnl !== undefined ? trade.pnl : '',
        size: 1,
      });
    };
    for (const trade of trades) {
      legAt(trade, 'entry', trade.entry_time);
      if (trade.exit_time !== undefined) legAt(trade, 'exit', trade.exit_time);
    }
    markers.sort((a, b) => a.time - b.time);
    LWC.createSeriesMarkers(series, markers);

    chart.subscribeCrosshairMove((param) => {
      const lines = param.time !== undefined && param.point ? byTime.get(param.time) : undefined;
      if (!lines) {
        tip.hidden = true;
        return;
      }
      tip.replaceChildren(...lines.map((l) => el('div', null, l)));
      tip.hidden = false;
      const x = Math.min(param.point.x + 12, Math.max(0, box.clientWidth - tip.offsetWidth - 4));
      tip.style.left = `${x}px`;
      tip.style.top = `${Math.max(4, param.point.y - tip.offsetHeight - 12)}px`;
    });

    markRendered(box, chart, { series: 1, points: data.length, markers: markers.length });
    const firstExit = trades.find((t) => t.exit_time !== undefined);
    if (firstExit) {
      // Where the first exit's candle is drawn now (x in the chart, or null), for a reader's
      // console or a test to point at it.
      const at = candleTimeOf(times, firstExit.exit_time);
      box.nzezaFirstExitX = () => chart.timeScale().timeToCoordinate(at);
    }
    return chart;
  }

  function symbolsOf(r) {
    const seen = new Set();
    const out = [];
    const add = (sym) => {
      if (typeof sym === 'string' && !seen.has(sym)) {
        seen.add(sym);
        out.push(sym);
      }
    };
    ((r.config || {}).symbols || []).forEach(add);
    Object.keys(r.candles || {}).forEach(add);
    (r.trades || []).forEach((t) => add(t.symbol));
    return out;
  }

  function priceCharts(root, r) {
    const s = section(root, 'Trades on the price', 'prices');
    const symbols = symbolsOf(r);
    if (symbols.length === 0) return noData(s, 'no symbols, candles or trades in this report');
    const candles = r.candles || {};
    const trades = r.trades || [];
    const legend = el('p', 'legend');
    const key = (colour, text) => {
      const k = el('span', 'key');
      k.style.setProperty('--key', colour);
      k.textContent = text;
      legend.appendChild(k);
    };
    key(BUY, 'buy trade (▲ entry, ▼ exit with its PnL)');
    key(SELL, 'sell trade (▼ entry, ▲ exit with its PnL)');
    s.appendChild(legend);
    for (const sym of symbols) {
      symbolChart(
        s,
        sym,
        candles[sym],
        trades.filter((t) => t.symbol === sym),
      );
    }
  }

  function attribution(root, r) {
    const s = section(root, 'Attribution by strategy', 'attribution');
    const rows = r.attribution || [];
    if (rows.length === 0) return noData(s, 'no per-strategy attribution in this report');
    table(s, [
      { title: 'Strategy', value: (a) => a.strategy },
      { title: 'Trades', value: (a) => a.trades, num: true },
      { title: 'Wins', value: (a) => orDash(a.wins), num: true },
      {
        title: 'Win rate',
        value: (a) =>
          typeof a.wins === 'number' && a.trades > 0 ? percent(a.wins / a.trades) : '—',
        num: true,
      },
      { title: 'PnL', value: (a) => a.pnl, num: true, cls: (a) => signClass(a.pnl) },
    ], rows);
  }

  function tradeList(root, r) {
    const s = section(root, 'Trades', 'trades');
    const trades = r.trades || [];
    if (trades.length === 0) return noData(s, 'no trades in this report');
    const shown = trades.slice(0, MAX_TRADE_ROWS);
    const caption =
      shown.length < trades.length ? `The first ${shown.length} of ${trades.length} trades` : null;
    table(s, [
      { title: 'Symbol', value: (t) => t.symbol },
      { title: 'Side', value: (t) => t.side, cls: (t) => t.side },
      { title: 'Entry', value: (t) => isoTime(t.entry_time) },
      { title: 'Entry price', value: (t) => t.entry_price, num: true },
      { title: 'Exit', value: (t) => (t.exit_time !== undefined ? isoTime(t.exit_time) : 'open') },
      { title: 'Exit price', value: (t) => orDash(t.exit_price), num: true },
      { title: 'Quantity', value: (t) => t.quantity, num: true },
      { title: 'PnL', value: (t) => orDash(t.pnl), num: true, cls: (t) => signClass(t.pnl) },
      { title: 'Fees', value: (t) => orDash(t.fees), num: true },
      { title: 'Strategy', value: (t) => orDash(t.strategy) },
      { title: 'Exit reason', value: (t) => orDash(t.exit_reason) },
    ], shown, caption);
  }

  function main() {
    const root = document.getElementById('report');
    try {
      if (!LWC) throw new Error('the charting library did not load');
      const r = JSON.parse(document.getElementById('nzeza-report-data').textContent);
      const symbols = symbolsOf(r);
      document.title = symbols.length
        ? `nzeza backtest report: ${symbols.join(', ')}`
        : 'nzeza backtest report';
      header(root, r);
      summary(root, r);
      equityChart(root, r);
      drawdownChart(root, r);
      priceCharts(root, r);
      attribution(root, r);
      tradeList(root, r);
      const credit = 'Charts drawn with TradingView Lightweight Charts™ (Apache-2.0).';
      const foot = el('footer', null, credit);
      root.appendChild(foot);
      document.body.dataset.rendered = 'true';
    } catch (e) {
      const reason = String(e && e.message ? e.message : e);
      root.prepend(el('p', 'error', `This report could not be drawn: ${reason}`));
      document.body.dataset.error = reason;
      console.error(e);
    } finally {
      root.removeAttribute('aria-busy');
    }
  }

  main();
})();
