// The dashboard's charts, drawn by TradingView's lightweight-charts (embedded, served from this
// origin): the candles of one symbol at a time with a marker per fill, and the equity curve.
// Candles come from the server (stream or /api/v1/candles) where it serves them; otherwise they
// are built here from the reference prices the page receives (one bar per candle interval).
// Decimals arrive as strings and become numbers only to be placed on a chart. Each chart's box
// carries data-* counts (candles, markers, points) that the browser test reads.
import {
  CandlestickSeries,
  ColorType,
  LineSeries,
  createChart,
  createSeriesMarkers,
} from './lightweight-charts.mjs';

const BUY = '#2196f3';
const SELL = '#ff6d00';
const MAX_BARS = 2000;

function options() {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: '#171a23' },
      textColor: '#d1d4dc',
      // The logo injects a <style> element, which the page's policy forbids: the footer credits
      // TradingView instead.
      attributionLogo: false,
    },
    grid: { vertLines: { color: '#222735' }, horzLines: { color: '#222735' } },
    rightPriceScale: { borderColor: '#2a2f3d' },
    timeScale: {
      borderColor: '#2a2f3d',
      timeVisible: true,
      secondsVisible: true,
      barSpacing: 10,
      rightOffset: 4,
    },
  };
}

export class CandleChart {
  constructor(box) {
    this.box = box;
    this.chart = createChart(box, options());
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: '#26a69a',
      downColor: '#ef5350',
      borderVisible: false,
      wickUpColor: '#26a69a',
      wickDownColor: '#ef5350',
    });
    this.markers = createSeriesMarkers(this.series, []);
    this.interval = 10;
    this.symbol = null;
    this.bars = new Map(); // symbol -> Map(time -> bar)
    this.fills = new Map(); // symbol -> Map(id -> fill)
    this.lastTime = new Map(); // symbol -> time of the newest bar
  }

  setInterval(seconds) {
    if (seconds > 0) this.interval = Math.round(seconds);
  }

  barsOf(symbol) {
    if (!this.bars.has(symbol)) this.bars.set(symbol, new Map());
    return this.bars.get(symbol);
  }

  // A reference price at unix second t, when the server sends no candles.
  samplePrice(symbol, price, t) {
    const time = Math.floor(t / this.interval) * this.interval;
    const bar = this.barsOf(symbol).get(time);
    if (bar) {
      bar.high = Math.max(bar.high, price);
      bar.low = Math.min(bar.low, price);
      bar.close = price;
      this.put(symbol, bar);
    } else {
      this.put(symbol, { time, open: price, high: price, low: price, close: price });
    }
  }

  // A server candle: {open_time, open, high, low, close, ...} (decimal strings).
  candle(symbol, c, toSeconds) {
    const time = toSeconds(c.open_time);
    const bar = {
      time,
      open: Number(c.open),
      high: Number(c.high),
      low: Number(c.low),
      close: Number(c.close),
    };
    if (time === undefined || [bar.open, bar.high, bar.low, bar.close].some(Number.isNaN)) return;
    this.put(symbol, bar);
  }

  put(symbol, bar) {
    const bars = this.barsOf(symbol);
    bars.set(bar.time, bar);
    if (bars.size > MAX_BARS) bars.delete(Math.min(...bars.keys()));
    const last = this.lastTime.get(symbol);
    if (symbol !== this.symbol) {
      this.lastTime.set(symbol, Math.max(last || 0, bar.time));
      return;
    }
    if (last === undefined || bar.time >= last) {
      this.series.update({ ...bar });
      this.lastTime.set(symbol, bar.time);
    } else {
      this.redraw(); // an older bar changed: the series takes it only as a whole
    }
    this.box.dataset.candles = String(bars.size);
    this.box.dataset.close = String(bar.close);
  }

  // A fill from /api/v1/trades or the stream: a marker on its bar.
  addFill(fill, toSeconds) {
    const symbol = fill.symbol;
    if (!this.fills.has(symbol)) this.fills.set(symbol, new Map());
    const id = `${fill.venue}/${fill.trade_id}`;
    const mine = this.fills.get(symbol);
    if (mine.has(id)) return false;
    mine.set(id, { ...fill, seconds: toSeconds(fill.time) });
    if (mine.size > MAX_BARS) mine.delete(mine.keys().next().value);
    if (symbol === this.symbol) this.drawMarkers();
    return true;
  }

  drawMarkers() {
    const fills = Array.from((this.fills.get(this.symbol) || new Map()).values());
    const markers = fills
      .filter((f) => f.seconds !== undefined)
      .map((f) => ({
        time: Math.floor(f.seconds / this.interval) * this.interval,
        position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
        color: f.side === 'buy' ? BUY : SELL,
        shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
        text: f.side,
      }))
      .sort((a, b) => a.time - b.time);
    this.markers.setMarkers(markers);
    this.box.dataset.markers = String(markers.length);
  }

  redraw() {
    const bars = Array.from(this.barsOf(this.symbol).values()).sort((a, b) => a.time - b.time);
    this.series.setData(bars.map((b) => ({ ...b })));
    this.lastTime.set(this.symbol, bars.length ? bars[bars.length - 1].time : undefined);
    this.box.dataset.candles = String(bars.length);
    this.drawMarkers();
  }

  show(symbol) {
    if (symbol === this.symbol) return;
    this.symbol = symbol;
    this.box.dataset.symbol = symbol;
    this.redraw();
    this.chart.timeScale().scrollToRealTime();
  }
}

export class EquityChart {
  constructor(box) {
    this.box = box;
    this.chart = createChart(box, options());
    this.series = this.chart.addSeries(LineSeries, { color: '#5e35b1', lineWidth: 2 });
    this.last = undefined;
    this.points = 0;
  }

  // One point per second at most: the latest value of a second wins.
  add(t, equity) {
    const value = Number(equity);
    if (Number.isNaN(value) || (this.last !== undefined && t < this.last)) return;
    if (t !== this.last) ++this.points;
    this.series.update({ time: t, value });
    this.last = t;
    this.box.dataset.points = String(this.points);
  }
}
