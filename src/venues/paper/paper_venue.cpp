#include "venues/paper/paper_venue.hpp"

#include <algorithm>

#include "market/order_book.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::paper {
namespace {

using domain::Liquidity;
using domain::OrderType;
using domain::TimeInForce;
using domain::VenueOrderStatus;

const Decimal kBpsDenominator = Decimal::from_integer(10'000);

bool live(VenueOrderStatus s) {
  return s == VenueOrderStatus::open || s == VenueOrderStatus::partially_filled;
}
bool is_trigger(OrderType t) {
  return t == OrderType::stop || t == OrderType::take_profit || t == OrderType::stop_limit;
}
// Whether the order is (now) a limit in the book: a GTC/post-only limit, or a triggered
// stop-limit.
bool rests(const domain::OrderSpec& s, bool triggered = false) {
  if (s.type == OrderType::stop_limit) return triggered && s.time_in_force == TimeInForce::gtc;
  return s.type == OrderType::limit &&
         (s.time_in_force == TimeInForce::gtc || s.time_in_force == TimeInForce::post_only);
}
// A sell stop and a buy take-profit fire on a falling price; the other two on a rising one.
bool fires_falling(const domain::OrderSpec& s) {
  return s.type == OrderType::take_profit ? s.side == Side::buy : s.side == Side::sell;
}
// `reference`: the trade price, or the touch the order would trade against (bid for a sell, ask
// for a buy); zero when there is none.
bool reached(const domain::OrderSpec& s, Decimal reference) {
  if (!reference.is_positive() || !s.stop_price) return false;
  return fires_falling(s) ? reference <= *s.stop_price : reference >= *s.stop_price;
}
std::string str(std::string_view s) {
  return std::string(s);
}

}  // namespace

struct PaperVenue::Take {
  Decimal price;
  Decimal quantity;
};

struct PaperVenue::Book {
  explicit Book(std::size_t depth_levels) : depth(depth_levels) {
    consumed.reserve(16);
    orders.reserve(16);
  }
  // Top of book from Quote events (quote mode).
  Quote quote;
  Decimal bid_left;  // displayed size not yet consumed by our fills
  Decimal ask_left;
  bool bid_sized = false;  // false: the quote had no size (unlimited liquidity)
  bool ask_sized = false;
  bool quoted = false;  // a quote arrived
  // The depth book (depth mode, from the first complete snapshot on).
  bool deep = false;
  market::OrderBook depth;
  // What our taker fills took from depth levels, forgotten when the feed changes that level.
  struct Consumed {
    Side side;  // the level's side (buy: a bid)
    Decimal price;
    Decimal size;
  };
  std::vector<Consumed> consumed;
  // The live orders of this symbol, in placement order (pruned lazily once they are not).
  std::vector<PaperOrder*> orders;
  [[nodiscard]] bool priced() const { return quoted || deep; }
};

struct PaperVenue::PaperOrder {
  std::uint64_t seq = 0;
  domain::OrderSpec spec;
  SymbolId symbol;
  std::string venue_order_id;
  VenueOrderStatus status = VenueOrderStatus::open;
  Decimal filled;
  Decimal notional;
  std::string reserve_currency;
  Decimal reserved;
  std::string reason;
  Timestamp updated;
  bool triggered = false;  // trigger orders: the stop price was reached
  bool queued = false;     // resting in depth mode: `queue` is tracked
  QueuePosition queue;
  [[nodiscard]] Decimal remaining() const { return spec.quantity - filled; }
  [[nodiscard]] bool armed() const { return is_trigger(spec.type) && !triggered && live(status); }
};

struct PaperVenue::Guard {
  std::recursive_mutex mu;
  PaperVenue* self = nullptr;
};

struct PaperVenue::Outbox {
  std::vector<VenueOrder> orders;
  std::vector<domain::Fill> fills;
  [[nodiscard]] bool empty() const { return orders.empty() && fills.empty(); }
};

PaperVenue::PaperVenue(Clock& clock, const InstrumentRegistry& registry, PaperConfig config)
    : clock_(clock),
      registry_(registry),
      config_(std::move(config)),
      guard_(std::make_shared<Guard>()),
      sampler_(config_.latency_seed) {
  guard_->self = this;
  plan_.reserve(64);
  buys_.reserve(16);
  sells_.reserve(16);
  firing_.reserve(16);
  if (config_.default_leverage < Decimal::one()) config_.default_leverage = Decimal::one();
}

PaperVenue::~PaperVenue() {
  std::map<TimerId, std::shared_ptr<std::function<void()>>> pending;
  {
    std::lock_guard lock(guard_->mu);
    guard_->self = nullptr;
    pending = std::move(timers_);
    for (const auto& [id, fn] : pending) clock_.cancel(id);
  }
  pending.clear();  // pending completions answer `cancelled` here, outside every lock
}

TimerId PaperVenue::later(Duration delay, std::function<void()> fn) {
  return later_at(clock_.now() + delay, std::move(fn));
}

TimerId PaperVenue::later_at(Timestamp deadline, std::function<void()> fn) {
  // Quiesced: nothing runs later. Dropping `fn` completes a pending call with `cancelled` here,
  // on the caller's thread (under the mutex, as every callback of this venue).
  if (quiesced_) return 0;
  // timers_ holds the only reference to `fn`: the clock's callback finds it there. Were the
  // callback to hold it too, a callback running on the clock's thread while quiesce() or the
  // destructor took timers_ would drop the last reference after them, completing a pending call
  // (`cancelled`) on the clock's thread once its caller may be gone (ASan: the order tracker).
  auto id_holder = std::make_shared<TimerId>(0);
  std::weak_ptr<Guard> weak = guard_;
  const TimerId id = clock_.schedule_at(deadline, [weak, id_holder] {
    auto g = weak.lock();
    if (!g) return;
    std::lock_guard lock(g->mu);
    // Gone from timers_: the venue was destroyed or quiesced (or the dead-man timer re-armed)
    // while this callback waited for the mutex; clock_.cancel() came too late to stop it.
    if (g->self == nullptr) return;
    auto it = g->self->timers_.find(*id_holder);
    if (it == g->self->timers_.end()) return;
    const std::shared_ptr<std::function<void()>> run = std::move(it->second);
    g->self->timers_.erase(it);
    (*run)();
  });
  *id_holder = id;
  timers_.emplace(id, std::make_shared<std::function<void()>>(std::move(fn)));
  return id;
}

Timestamp PaperVenue::arrival(RequestKind kind) {
  if (kind == RequestKind::query) return clock_.now() + config_.latency.request;
  const std::optional<LatencyModel>& model = kind == RequestKind::cancel && config_.cancel_latency
                                                 ? config_.cancel_latency
                                                 : config_.order_latency;
  const Duration delay = model ? sampler_.draw(*model) : config_.latency.request;
  // Order entry is one ordered connection: a place or cancel never overtakes the one before.
  last_order_arrival_ = std::max(clock_.now() + delay, last_order_arrival_);
  return last_order_arrival_;
}

template <typename T, typename Compute>
void PaperVenue::request(Compute compute, Callback<T> done, std::string what, RequestKind kind) {
  std::lock_guard lock(guard_->mu);
  Completion<T> completion(std::move(done), "paper " + what);
  later_at(arrival(kind), [this, compute, completion]() {
    Outbox out;
    Result<T> result = compute(out);
    auto respond = [this, completion, result, out]() {
      completion.complete(result);
      deliver(out);
    };
    if (config_.latency.response <= Duration::zero()) {
      respond();
    } else {
      later(config_.latency.response, respond);
    }
  });
}

void PaperVenue::emit(Outbox out) {
  if (out.empty()) return;
  if (config_.latency.response <= Duration::zero()) {
    deliver(out);
  } else {
    later(config_.latency.response, [this, out] { deliver(out); });
  }
}

void PaperVenue::deliver(const Outbox& out) {
  if (!streaming_) return;
  // Fills first: a venue's execution report carries the trade before the order's new state.
  for (const auto& f : out.fills) {
    if (handlers_.on_fill) handlers_.on_fill(f);
  }
  for (const auto& o : out.orders) {
    if (handlers_.on_order) handlers_.on_order(o);
  }
}

// --- account -------------------------------------------------------------------------------

domain::Balance& PaperVenue::balance(const std::string& currency) {
  auto it = balances_.find(currency);
  if (it == balances_.end()) {
    it = balances_.emplace(currency, *domain::Balance::create(currency)).first;
  }
  return it->second;
}

Status PaperVenue::deposit(const std::string& currency, Decimal amount) {
  std::lock_guard lock(guard_->mu);
  if (currency.empty() || !amount.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "paper deposit: need a currency and an amount > 0, got '" + currency + "' " +
                    amount.to_string());
  }
  return balance(currency).credit(amount);
}

Decimal PaperVenue::leverage(InstrumentId instrument) const {
  auto it = leverage_.find(instrument.value);
  return it == leverage_.end() ? config_.default_leverage : it->second;
}

Status PaperVenue::set_leverage(InstrumentId instrument, Decimal lev) {
  std::lock_guard lock(guard_->mu);
  const Instrument* inst = registry_.get(instrument);
  if (inst == nullptr || inst->kind != InstrumentKind::perpetual) {
    return fail(ErrorCode::invalid_argument, "paper leverage: not a perpetual instrument");
  }
  if (lev < Decimal::one() ||
      (inst->max_leverage &&
       lev > Decimal::from_integer(static_cast<std::int64_t>(*inst->max_leverage)))) {
    return fail(ErrorCode::invalid_argument, "paper leverage for " + inst->canonical + ": " +
                                                 lev.to_string() + " is outside [1, max]");
  }
  leverage_[instrument.value] = lev;
  auto pos = positions_.find(instrument.value);
  if (pos != positions_.end()) return pos->second.set_leverage(lev);
  return {};
}

std::optional<domain::Balance> PaperVenue::balance_now(const std::string& currency) const {
  std::lock_guard lock(guard_->mu);
  auto it = balances_.find(currency);
  if (it == balances_.end()) return std::nullopt;
  return it->second;
}

std::optional<Quote> PaperVenue::quote(InstrumentId instrument) const {
  std::lock_guard lock(guard_->mu);
  const Instrument* inst = registry_.get(instrument);
  if (inst == nullptr) return std::nullopt;
  auto it = books_.find(inst->symbol.value);
  if (it == books_.end() || !it->second.priced()) return std::nullopt;
  const Book& book = it->second;
  if (book.deep) {
    Quote q;
    if (auto bid = top(book, Side::buy)) {
      q.bid = bid->price;
      q.bid_size = bid->quantity;
    }
    if (auto ask = top(book, Side::sell)) {
      q.ask = ask->price;
      q.ask_size = ask->quantity;
    }
    return q;
  }
  Quote q = book.quote;
  if (book.bid_sized) q.bid_size = book.bid_left;
  if (book.ask_sized) q.ask_size = book.ask_left;
  return q;
}

PaperFees PaperVenue::fees(const Instrument& instrument) const {
  auto it = config_.instrument_fees.find(instrument.canonical);
  if (it != config_.instrument_fees.end()) return it->second;
  return {config_.maker_fee_bps, config_.taker_fee_bps};
}

Result<Decimal> PaperVenue::fee(const Instrument& instrument, Decimal notional,
                                Liquidity liquidity) const {
  const PaperFees f = fees(instrument);
  const Decimal bps = liquidity == Liquidity::maker ? f.maker_bps : f.taker_bps;
  return notional.checked_mul_div(bps, kBpsDenominator, RoundingMode::nearest_even);
}

// What an order must hold locked for `quantity` at `price` (rounded up: never short).
Result<Decimal> PaperVenue::reservation(const PaperOrder& order, const Instrument& instrument,
                                        Decimal price, Decimal quantity) const {
  if (quantity.is_zero()) return Decimal::zero();
  const bool perp = instrument.kind == InstrumentKind::perpetual;
  if (!perp && order.spec.side == Side::sell) return quantity;
  if (perp && order.spec.reduce_only) return Decimal::zero();
  const PaperFees f = fees(instrument);
  const Decimal max_bps = std::max({f.maker_bps, f.taker_bps, Decimal::zero()});
  auto notional = price.checked_mul(quantity, RoundingMode::up);
  if (!notional) return notional;
  auto fees = notional->checked_mul_div(max_bps, kBpsDenominator, RoundingMode::up);
  if (!fees) return fees;
  Decimal base = *notional;
  if (perp) {
    auto margin = notional->checked_div(leverage(instrument.id), RoundingMode::up);
    if (!margin) return margin;
    base = *margin;
  }
  return base.checked_add(*fees);
}

Status PaperVenue::resize_reservation(PaperOrder& order, Decimal need) {
  if (order.reserve_currency.empty()) return {};
  domain::Balance& b = balance(order.reserve_currency);
  if (order.reserved > need) {
    const Decimal diff = order.reserved - need;
    if (auto s = b.unlock(diff); !s) return s;
    order.reserved = need;
  } else if (order.reserved < need) {
    const Decimal diff = std::min(need - order.reserved, b.available());
    if (auto s = b.lock(diff); !s) return s;
    order.reserved += diff;
  }
  return {};
}

// Pays `amount` of the order's reserve currency: from its reservation first, then from available
// (a negative amount is a credit).
void PaperVenue::settle(PaperOrder& order, Decimal amount) {
  domain::Balance& b = balance(order.reserve_currency);
  if (amount.is_negative()) {
    (void)b.credit(-amount);
    return;
  }
  const Decimal from_locked = std::min(amount, order.reserved);
  (void)b.debit_locked(from_locked);
  order.reserved -= from_locked;
  const Decimal rest = amount - from_locked;
  if (rest.is_positive()) (void)b.debit(std::min(rest, b.available()));
}

// --- books ---------------------------------------------------------------------------------

PaperVenue::Book& PaperVenue::book_of(SymbolId symbol) {
  return books_.try_emplace(symbol.value, config_.book_depth).first->second;
}

Decimal PaperVenue::consumed(const Book& book, Side side, Decimal price) {
  for (const auto& c : book.consumed) {
    if (c.side == side && c.price == price) return c.size;
  }
  return Decimal::zero();
}

std::optional<PaperVenue::Take> PaperVenue::top(const Book& book, Side side) {
  for (const auto& level : book.depth.levels(side)) {
    const Decimal left = level.size - consumed(book, side, level.price);
    if (left.is_positive()) return Take{level.price, left};
  }
  return std::nullopt;
}

Decimal PaperVenue::touch(const Book& book, Side side) {
  if (book.deep) {
    auto level = top(book, opposite(side));
    return level ? level->price : Decimal::zero();
  }
  return side == Side::buy ? book.quote.ask : book.quote.bid;
}

Decimal PaperVenue::plan_depth(const Book& book, const Instrument& inst, Side side,
                               std::optional<Decimal> limit, Decimal quantity) {
  plan_.clear();
  const Side book_side = opposite(side);
  Decimal need = quantity;
  for (const auto& level : book.depth.levels(book_side)) {
    if (!need.is_positive()) break;
    if (limit && (side == Side::buy ? level.price > *limit : level.price < *limit)) break;
    const Decimal left = level.size - consumed(book, book_side, level.price);
    if (!left.is_positive()) continue;
    // Whole lots only (a price source with a finer lot may show sizes ours cannot trade).
    const Decimal q = inst.round_size(std::min(need, left), RoundingMode::down).value_or(Decimal{});
    if (!q.is_positive()) continue;
    plan_.push_back(Take{level.price, q});
    need -= q;
  }
  return quantity - need;
}

Decimal PaperVenue::plan_quote(const Book& book, Side side, Decimal limit, Decimal quantity) {
  plan_.clear();
  const bool buy = side == Side::buy;
  const Decimal at = buy ? book.quote.ask : book.quote.bid;
  if (!at.is_positive() || (buy ? limit < at : limit > at)) return Decimal::zero();
  const bool sized = buy ? book.ask_sized : book.bid_sized;
  const Decimal q = sized ? std::min(quantity, buy ? book.ask_left : book.bid_left) : quantity;
  if (q.is_positive()) plan_.push_back(Take{at, q});
  return q;
}

void PaperVenue::consume(Book& book, Side side, const Take& take) {
  const Side book_side = opposite(side);
  if (book.deep) {
    for (auto& c : book.consumed) {
      if (c.side == book_side && c.price == take.price) {
        c.size += take.quantity;
        return;
      }
    }
    book.consumed.push_back({book_side, take.price, take.quantity});
    return;
  }
  const bool buy = side == Side::buy;
  if (buy ? book.ask_sized : book.bid_sized) {
    Decimal& left = buy ? book.ask_left : book.bid_left;
    left -= std::min(take.quantity, left);
  }
}

void PaperVenue::join_queue(const Book& book, PaperOrder& order) {
  if (!book.deep || order.queued) return;
  order.queued = true;
  order.queue = QueuePosition{book.depth.size_at(order.spec.side, *order.spec.price), {}};
}

Status PaperVenue::check_rules(const Instrument& inst, const domain::OrderSpec& spec,
                               Decimal touch_price) {
  if (spec.stop_price) {
    auto valid = inst.round_price(*spec.stop_price, RoundingMode::nearest);
    if (!valid || *valid != *spec.stop_price) {
      return fail(ErrorCode::rejected,
                  "stop price " + spec.stop_price->to_string() +
                      (inst.price_rule == PriceRule::tick
                           ? " is not a multiple of the tick " + inst.tick_size.to_string()
                           : str(" breaks the instrument's price rule")));
    }
  }
  Decimal price;
  if (spec.price) {
    price = *spec.price;
  } else if (spec.stop_price) {
    price = *spec.stop_price;
  } else if (touch_price.is_positive()) {
    // A market order: its size rules, and its notional at the touch.
    price = inst.round_price(touch_price, RoundingMode::nearest).value_or(touch_price);
  } else {
    return {};  // no price to check a notional with; refused for that below
  }
  if (auto ok = inst.check_order(price, spec.quantity); !ok) {
    return fail(ErrorCode::rejected, ok.error().message);
  }
  return {};
}

// --- matching ------------------------------------------------------------------------------

// A market order's fill price: the opposite touch moved against us by slippage_bps, rounded to
// the tick adversely.
Result<Decimal> PaperVenue::market_price(const Instrument& inst, const Book* book,
                                         Side side) const {
  const bool buy = side == Side::buy;
  const Decimal touch =
      book == nullptr ? Decimal::zero() : (buy ? book->quote.ask : book->quote.bid);
  if (!touch.is_positive()) {
    return fail(ErrorCode::rejected, "no " + str(buy ? "ask" : "bid") + " for " + inst.canonical +
                                         ": cannot fill a market order");
  }
  auto slip = touch.checked_mul_div(config_.slippage_bps, kBpsDenominator, RoundingMode::up);
  if (!slip) return slip.error();
  const Decimal raw = buy ? touch + *slip : touch - *slip;
  auto rounded = inst.round_price(raw, buy ? RoundingMode::up : RoundingMode::down);
  if (!rounded || !rounded->is_positive()) {
    return fail(ErrorCode::rejected, "slipped price " + raw.to_string() + " is not valid");
  }
  return *rounded;
}

Decimal PaperVenue::reducible(const PaperOrder& order, const Instrument& inst) const {
  if (inst.kind != InstrumentKind::perpetual || !order.spec.reduce_only) return order.remaining();
  auto pit = positions_.find(inst.id.value);
  const Decimal q = pit == positions_.end() ? Decimal::zero() : pit->second.quantity();
  const bool reduces = order.spec.side == Side::buy ? q.is_negative() : q.is_positive();
  return reduces ? std::min(order.remaining(), q.abs()) : Decimal::zero();
}

namespace {
std::string position_text(const std::map<std::uint32_t, domain::Position>& positions,
                          InstrumentId id) {
  auto pit = positions.find(id.value);
  return (pit == positions.end() ? Decimal::zero() : pit->second.quantity()).to_string();
}
}  // namespace

Status PaperVenue::execute(PaperOrder& order, const Instrument& inst, Decimal price,
                           Decimal quantity, Liquidity liquidity, Outbox& out) {
  const Timestamp now = clock_.now();
  auto notional = price.checked_mul(quantity, RoundingMode::nearest_even);
  if (!notional) return notional.error();
  auto fee_amount = fee(inst, *notional, liquidity);
  if (!fee_amount) return fee_amount.error();
  const Side side = order.spec.side;

  if (inst.kind == InstrumentKind::spot) {
    if (side == Side::buy) {
      settle(order, *notional + *fee_amount);
      (void)balance(inst.base).credit(quantity);
    } else {
      settle(order, quantity);
      const Decimal proceeds = *notional - *fee_amount;
      domain::Balance& q = balance(inst.quote);
      if (proceeds.is_negative()) {
        (void)q.debit(std::min(-proceeds, q.available()));
      } else {
        (void)q.credit(proceeds);
      }
    }
  } else {
    domain::Balance& collateral = balance(inst.quote);
    if (order.reserve_currency.empty()) order.reserve_currency = inst.quote;
    settle(order, *fee_amount);
    auto pit = positions_.find(inst.id.value);
    if (pit == positions_.end()) {
      auto p = domain::Position::perpetual(Venue::paper, inst.id, inst.base, inst.quote,
                                           leverage(inst.id));
      if (!p) return p.error();
      pit = positions_.emplace(inst.id.value, std::move(*p)).first;
    }
    domain::Position& pos = pit->second;
    const Decimal before = pos.abs_quantity();
    auto change = pos.apply(
        domain::PositionFill{side, price, quantity, Decimal::zero(), Decimal::zero(), now});
    if (!change) return change.error();
    Decimal& margin = position_margin_[inst.id.value];
    if (change->closed_quantity.is_positive()) {
      Decimal release = margin;
      if (change->closed_quantity < before) {
        release = margin.checked_mul_div(change->closed_quantity, before, RoundingMode::down)
                      .value_or(margin);
      }
      (void)collateral.unlock(release);
      margin -= release;
      if (change->realized_trading.is_negative()) {
        (void)collateral.debit(std::min(-change->realized_trading, collateral.available()));
      } else {
        (void)collateral.credit(change->realized_trading);
      }
    }
    if (change->opened_quantity.is_positive()) {
      const Decimal need = price.checked_mul(change->opened_quantity, RoundingMode::up)
                               .value_or(Decimal::zero())
                               .checked_div(leverage(inst.id), RoundingMode::up)
                               .value_or(Decimal::zero());
      // The order reserved this margin: hand it to the position (it stays locked).
      const Decimal from_order = std::min(need, order.reserved);
      order.reserved -= from_order;
      const Decimal extra = std::min(need - from_order, collateral.available());
      (void)collateral.lock(extra);
      margin += from_order + extra;
    }
  }

  order.filled += quantity;
  order.notional += *notional;
  order.status = order.filled >= order.spec.quantity ? VenueOrderStatus::filled
                                                     : VenueOrderStatus::partially_filled;
  order.updated = now;

  domain::Fill f;
  f.venue = Venue::paper;
  f.instrument = inst.id;
  f.venue_symbol = inst.venue_symbol;
  // Unique across restarts of the paper venue (its counter starts again at 1, client ids never
  // repeat): a journal keyed by trade id must never take a new fill for an old one.
  f.trade_id = "p" + std::to_string(next_trade_++);
  if (!order.spec.client_order_id.text.empty()) f.trade_id += '-' + order.spec.client_order_id.text;
  f.client_order_id = order.spec.client_order_id.text;
  f.side = side;
  f.price = price;
  f.quantity = quantity;
  f.fee = *fee_amount;
  f.fee_currency = inst.quote;
  f.liquidity = liquidity;
  f.time = now;
  fills_.push_back(f);
  out.fills.push_back(std::move(f));
  return {};
}

void PaperVenue::finish(PaperOrder& order, VenueOrderStatus status, Outbox& /*out*/) {
  order.status = status;
  order.updated = clock_.now();
  (void)resize_reservation(order, Decimal::zero());
}

Result<PlaceAck> PaperVenue::do_place(const domain::OrderSpec& spec, Outbox& out) {
  const std::string& id = spec.client_order_id.text;
  auto refuse = [&](ErrorCode code, const std::string& why) {
    return venue_error(code, Venue::paper, "place", "order '" + id + "': " + why, {}, why);
  };
  const Instrument* inst = registry_.get(spec.instrument);
  if (inst == nullptr || inst->venue != Venue::paper) {
    return refuse(ErrorCode::rejected, "unknown instrument");
  }
  if (auto ok = domain::validate(spec); !ok) return refuse(ErrorCode::rejected, ok.error().message);
  if (by_client_id_.contains(id)) return refuse(ErrorCode::rejected, "duplicate client order id");
  if (!inst->tradable()) {
    return refuse(ErrorCode::rejected, inst->canonical + " is " + str(to_string(inst->status)));
  }
  Book& book = book_of(inst->symbol);
  const Decimal touch_price = touch(book, spec.side);
  if (auto ok = check_rules(*inst, spec, touch_price); !ok) {
    return refuse(ErrorCode::rejected, ok.error().message);
  }
  const bool trig = is_trigger(spec.type);
  if (trig && spec.time_in_force != TimeInForce::gtc) {
    return refuse(ErrorCode::rejected, str(to_string(spec.type)) +
                                           " orders are GTC only on the paper venue, not " +
                                           str(to_string(spec.time_in_force)));
  }
  const bool perp = inst->kind == InstrumentKind::perpetual;
  const bool buy = spec.side == Side::buy;
  // Trigger orders check their position when they fire (see the header).
  if (perp && spec.reduce_only && !trig) {
    auto pit = positions_.find(inst->id.value);
    const Decimal q = pit == positions_.end() ? Decimal::zero() : pit->second.quantity();
    const bool reduces = buy ? q.is_negative() : q.is_positive();
    if (!reduces || spec.quantity > q.abs()) {
      return refuse(ErrorCode::rejected, "reduce-only " + str(to_string(spec.side)) + " of " +
                                             spec.quantity.to_string() +
                                             " would open or increase "
                                             "a position (position " +
                                             q.to_string() + ")");
    }
  }

  // What the order takes now goes into plan_, level by level (one level in quote mode).
  plan_.clear();
  Decimal rest_price = spec.price.value_or(Decimal::zero());  // what a resting part reserves at
  bool expire_all = false;
  std::string expire_reason;
  if (trig) {
    // Like Binance (-2010 "Stop price would trigger immediately"): a trigger that the market
    // has already reached is refused, never filled at placement.
    if (reached(spec, touch_price)) {
      return refuse(ErrorCode::rejected,
                    "stop price " + spec.stop_price->to_string() + " would trigger immediately (" +
                        (buy ? "ask " : "bid ") + touch_price.to_string() + ")");
    }
    if (spec.type != OrderType::stop_limit) {
      // Market on trigger: a buy reserves at the stop moved by the slippage (a sell's reserve
      // is its base, or a margin that a lower price only shrinks).
      rest_price = *spec.stop_price;
      if (buy) {
        auto slip =
            rest_price.checked_mul_div(config_.slippage_bps, kBpsDenominator, RoundingMode::up);
        if (!slip) return refuse(ErrorCode::rejected, slip.error().message);
        auto rounded = inst->round_price(rest_price + *slip, RoundingMode::up);
        if (!rounded) return refuse(ErrorCode::rejected, rounded.error().message);
        rest_price = *rounded;
      }
    }
  } else if (spec.type == OrderType::market) {
    if (book.deep) {
      const Decimal found = plan_depth(book, *inst, spec.side, std::nullopt, spec.quantity);
      if (!found.is_positive()) {
        return refuse(ErrorCode::rejected, "no " + str(buy ? "ask" : "bid") + " for " +
                                               inst->canonical + ": cannot fill a market order");
      }
      if (found < spec.quantity) {
        expire_reason = "market order: the book held " + found.to_string() + " of " +
                        spec.quantity.to_string() + ", the rest expired";
      }
    } else {
      auto price = market_price(*inst, &book, spec.side);
      if (!price) return refuse(ErrorCode::rejected, price.error().message);
      plan_.push_back(Take{*price, spec.quantity});
    }
  } else {
    const Decimal limit = *spec.price;
    const bool crosses =
        touch_price.is_positive() && (buy ? limit >= touch_price : limit <= touch_price);
    if (spec.time_in_force == TimeInForce::post_only && crosses) {
      return refuse(ErrorCode::rejected, "post-only " + str(to_string(spec.side)) + " at " +
                                             limit.to_string() + " would take liquidity (" +
                                             (buy ? "ask " : "bid ") + touch_price.to_string() +
                                             ")");
    }
    Decimal found;
    if (crosses) {
      found = book.deep ? plan_depth(book, *inst, spec.side, limit, spec.quantity)
                        : plan_quote(book, spec.side, limit, spec.quantity);
    }
    if (spec.time_in_force == TimeInForce::fok && found < spec.quantity) {
      expire_all = true;
      expire_reason = "FOK: " + found.to_string() +
                      (book.deep ? " available within the limit, " : " available at the touch, ") +
                      spec.quantity.to_string() + " required";
      plan_.clear();
    } else if (spec.time_in_force == TimeInForce::ioc && found.is_zero()) {
      expire_reason = "IOC: nothing to take";
    }
  }
  Decimal take_qty;
  for (const Take& t : plan_) take_qty += t.quantity;

  PaperOrder order;
  order.seq = next_order_++;
  order.spec = spec;
  order.symbol = inst->symbol;
  order.venue_order_id = "P" + std::to_string(order.seq);
  order.updated = clock_.now();
  order.reserve_currency = perp ? inst->quote : (buy ? inst->quote : inst->base);

  // Funds for the whole order: the part taken now at its prices, the resting part at its limit
  // (an armed trigger: all of it, at rest_price).
  const Decimal rest_qty = trig                         ? spec.quantity
                           : rests(spec) && !expire_all ? spec.quantity - take_qty
                                                        : Decimal::zero();
  Decimal need;
  for (const Take& t : plan_) {
    auto part = reservation(order, *inst, t.price, t.quantity);
    if (!part) return refuse(ErrorCode::rejected, "order value overflows");
    need += *part;
  }
  if (rest_qty.is_positive()) {
    auto part = reservation(order, *inst, rest_price, rest_qty);
    if (!part) return refuse(ErrorCode::rejected, "order value overflows");
    need += *part;
  }
  domain::Balance& funds = balance(order.reserve_currency);
  if (need > funds.available()) {
    return refuse(ErrorCode::insufficient_balance,
                  "insufficient " + order.reserve_currency + ": needs " + need.to_string() +
                      ", available " + funds.available().to_string());
  }
  (void)funds.lock(need);
  order.reserved = need;

  const std::uint64_t seq = order.seq;
  by_client_id_.emplace(id, seq);
  by_venue_id_.emplace(order.venue_order_id, seq);
  PaperOrder& o = orders_.emplace(seq, std::move(order)).first->second;

  const std::size_t first_fill = out.fills.size();
  for (const Take& t : plan_) {
    if (auto s = execute(o, *inst, t.price, t.quantity, Liquidity::taker, out); !s) {
      finish(o, VenueOrderStatus::rejected, out);
      o.reason = s.error().message;
      return refuse(ErrorCode::rejected, s.error().message);
    }
    consume(book, spec.side, t);
  }
  if (trig) {
    // Armed: rests untriggered, holding the reservation made above.
  } else if (o.remaining().is_zero()) {
    finish(o, VenueOrderStatus::filled, out);
  } else if (!rests(spec) || expire_all) {
    o.reason = expire_reason.empty() ? "IOC remainder expired" : expire_reason;
    finish(o, VenueOrderStatus::expired, out);
  } else {
    auto keep = reservation(o, *inst, *spec.price, o.remaining());
    (void)resize_reservation(o, keep.value_or(o.reserved));
    join_queue(book, o);
  }
  if (live(o.status)) book.orders.push_back(&o);

  PlaceAck ack;
  ack.venue_order_id = o.venue_order_id;
  ack.client_order_id = id;
  const VenueOrder v = view(o);
  ack.report = v.report;
  ack.fills.assign(out.fills.begin() + static_cast<std::ptrdiff_t>(first_fill), out.fills.end());
  ack.at = clock_.now();
  out.orders.push_back(v);
  return ack;
}

void PaperVenue::match_resting(Book& book, const Trade* trade, Outbox& out) {
  buys_.clear();
  sells_.clear();
  for (PaperOrder* o : book.orders) {
    if (!live(o->status) || !rests(o->spec, o->triggered)) continue;
    join_queue(book, *o);
    (o->spec.side == Side::buy ? buys_ : sells_).push_back(o);
  }
  if (buys_.empty() && sells_.empty()) return;
  // Better prices first; equal prices in time order (std::sort on (price, sequence): unlike
  // std::stable_sort it needs no buffer, so matching allocates nothing).
  std::sort(buys_.begin(), buys_.end(), [](const PaperOrder* a, const PaperOrder* b) {
    return *a->spec.price != *b->spec.price ? *a->spec.price > *b->spec.price : a->seq < b->seq;
  });
  std::sort(sells_.begin(), sells_.end(), [](const PaperOrder* a, const PaperOrder* b) {
    return *a->spec.price != *b->spec.price ? *a->spec.price < *b->spec.price : a->seq < b->seq;
  });

  Decimal trade_left = trade != nullptr ? trade->size : Decimal::zero();
  auto fill_side = [&](std::vector<PaperOrder*>& side_orders, bool buy) {
    // A trade at an order's own price (depth mode): the volume that reached the level, and our
    // earlier orders there, which stand ahead of the later ones in addition to the displayed
    // size ahead of each.
    std::optional<Decimal> at_level;
    Decimal own_before;
    Decimal own_filled;
    for (PaperOrder* o : side_orders) {
      const Decimal limit = *o->spec.price;
      Decimal offer;  // what this event offers the order (trades only)
      bool through = false;
      if (trade != nullptr) {
        if (buy ? trade->price < limit : trade->price > limit) {
          offer = trade_left;
          if (o->queued) o->queue.ahead = Decimal::zero();  // the whole level traded
        } else if (trade->price == limit && o->queued) {
          if (!at_level) at_level = trade_left;
          const Decimal ahead = o->queue.ahead + own_before;
          offer = *at_level > ahead ? std::min(*at_level - ahead, trade_left) : Decimal::zero();
          own_before += o->remaining();
          o->queue.on_trade(*at_level > own_filled ? *at_level - own_filled : Decimal::zero(),
                            trade->size);
        }
        through = offer.is_positive();
      } else if (book.deep) {
        auto level = top(book, opposite(o->spec.side));
        through = level && (buy ? level->price <= limit : level->price >= limit);
      } else {
        const Decimal at = buy ? book.quote.ask : book.quote.bid;
        through = at.is_positive() && (buy ? at <= limit : at >= limit);
      }
      if (!through) continue;
      const Instrument* inst = registry_.get(o->spec.instrument);
      if (inst == nullptr) continue;
      // Whole lots only: a pro-rata queue is rarely a lot multiple.
      if (offer.is_positive()) offer = inst->round_size(offer, RoundingMode::down).value_or(offer);
      // A reduce-only order never opens a position: it trades at most what it reduces, and
      // expires once there is nothing left to reduce.
      const Decimal allowed = reducible(*o, *inst);
      if (!allowed.is_positive()) {
        o->reason = "reduce-only " + str(to_string(o->spec.side)) +
                    " with no position left to reduce (position " +
                    position_text(positions_, inst->id) + ")";
        finish(*o, VenueOrderStatus::expired, out);
        out.orders.push_back(view(*o));
        continue;
      }
      Decimal qty;
      if (trade != nullptr) {
        qty = std::min(allowed, offer);
        trade_left -= qty;
        if (trade->price == limit) own_filled += qty;
      } else if (book.deep) {
        // Fills from the opposite levels within the limit, at our own price (maker).
        qty = plan_depth(book, *inst, o->spec.side, limit, allowed);
        for (const Take& t : plan_) consume(book, o->spec.side, t);
      } else {
        const bool sized = buy ? book.ask_sized : book.bid_sized;
        Decimal& left = buy ? book.ask_left : book.bid_left;
        qty = sized ? std::min(allowed, left) : allowed;
        if (sized) left -= std::min(qty, left);
      }
      if (!qty.is_positive()) continue;
      if (auto s = execute(*o, *inst, limit, qty, Liquidity::maker, out); !s) continue;
      if (o->remaining().is_zero()) {
        finish(*o, VenueOrderStatus::filled, out);
      } else {
        auto keep = reservation(*o, *inst, limit, o->remaining());
        (void)resize_reservation(*o, keep.value_or(o->reserved));
      }
      out.orders.push_back(view(*o));
    }
  };
  fill_side(buys_, true);
  fill_side(sells_, false);
}

void PaperVenue::fire_triggers(Book& book, const Trade* trade, Outbox& out) {
  // Which orders fire depends on this event only; they then execute in placement order (a
  // reduce-only one sees the position its predecessors left).
  firing_.clear();
  for (PaperOrder* o : book.orders) {
    if (!o->armed()) continue;
    const Decimal reference = trade != nullptr ? trade->price : touch(book, o->spec.side);
    if (reached(o->spec, reference)) firing_.push_back(o);
  }
  for (PaperOrder* o : firing_) {
    const Instrument* inst = registry_.get(o->spec.instrument);
    if (inst != nullptr) trigger(*o, *inst, book, out);
  }
}

void PaperVenue::trigger(PaperOrder& o, const Instrument& inst, Book& book, Outbox& out) {
  o.triggered = true;
  o.updated = clock_.now();
  const bool buy = o.spec.side == Side::buy;
  auto expire = [&](std::string why) {
    o.reason = std::move(why);
    finish(o, VenueOrderStatus::expired, out);
    out.orders.push_back(view(o));
  };
  const Decimal qty = reducible(o, inst);
  if (!qty.is_positive()) {
    return expire("reduce-only " + str(to_string(o.spec.side)) +
                  " triggered with no position to reduce (position " +
                  position_text(positions_, inst.id) + ")");
  }

  plan_.clear();
  Decimal found = qty;  // what the book held for a market on trigger
  if (o.spec.type == OrderType::stop_limit) {
    const Decimal limit = *o.spec.price;
    const Decimal at = touch(book, o.spec.side);
    if (at.is_positive() && (buy ? limit >= at : limit <= at)) {
      if (book.deep) {
        (void)plan_depth(book, inst, o.spec.side, limit, qty);
      } else {
        (void)plan_quote(book, o.spec.side, limit, qty);
      }
    }
  } else {
    if (book.deep) {
      found = plan_depth(book, inst, o.spec.side, std::nullopt, qty);
      if (!found.is_positive()) {
        return expire("no " + str(buy ? "ask" : "bid") + " for " + inst.canonical +
                      ": cannot fill a market order");
      }
    } else {
      auto price = market_price(inst, &book, o.spec.side);
      if (!price) return expire(price.error().message);
      plan_.push_back(Take{*price, qty});
    }
    // The reserve was made at the stop; the market may have gapped past it.
    Decimal need;
    for (const Take& t : plan_) {
      auto part = reservation(o, inst, t.price, t.quantity);
      if (!part) return expire("order value overflows");
      need += *part;
    }
    (void)resize_reservation(o, need);
    if (o.reserved < need) {
      return expire("insufficient " + o.reserve_currency + " when triggered: needs " +
                    need.to_string() + ", available " + o.reserved.to_string());
    }
  }

  for (const Take& t : plan_) {
    if (auto s = execute(o, inst, t.price, t.quantity, Liquidity::taker, out); !s) {
      return expire(s.error().message);
    }
    consume(book, o.spec.side, t);
  }
  if (o.remaining().is_zero()) {
    finish(o, VenueOrderStatus::filled, out);
  } else if (o.spec.type != OrderType::stop_limit) {
    o.reason = found < qty
                   ? "market on trigger: the book held " + found.to_string() + " of " +
                         qty.to_string() + ", the rest expired"
                   : "reduce-only: " + o.remaining().to_string() + " beyond the position expired";
    finish(o, VenueOrderStatus::expired, out);
  } else {
    auto keep = reservation(o, inst, *o.spec.price, o.remaining());
    (void)resize_reservation(o, keep.value_or(o.reserved));
    join_queue(book, o);
  }
  out.orders.push_back(view(o));
}

void PaperVenue::on_book_change(SymbolId symbol, const BookChange& change) {
  Book& book = book_of(symbol);
  // A delta before its snapshot has nothing to apply to (the feed resyncs; so do we).
  if (!change.snapshot && !change.reset && !book.depth.synced()) return;
  // The level's size before the change, when one of our queued orders rests there.
  bool ours = false;
  if (!change.snapshot) {
    for (const PaperOrder* o : book.orders) {
      ours = ours || (o->queued && o->spec.side == change.side && *o->spec.price == change.price);
    }
  }
  const Decimal previous = ours ? book.depth.size_at(change.side, change.price) : Decimal::zero();
  if (!book.depth.apply(change)) return;
  if (!book.consumed.empty()) {
    if (change.reset) {
      book.consumed.clear();
    } else {
      std::erase_if(book.consumed, [&](const Book::Consumed& c) {
        return c.side == change.side && c.price == change.price;
      });
    }
  }
  if (!book.depth.synced()) return;  // inside a snapshot: wait for its last level
  const bool snapshot_done = change.snapshot && change.last;
  if (snapshot_done) book.deep = true;
  if (book.orders.empty()) return;
  std::erase_if(book.orders, [](const PaperOrder* o) { return !live(o->status); });
  // A delta can only bring liquidity to a resting order by adding size on the opposite side at
  // or through its limit (a level it shows again is one our consumption is forgotten at); a
  // trigger fires on the touch, which any delta may move.
  bool may_cross = snapshot_done;
  bool armed = false;
  const bool adds = change.size.is_positive();
  for (PaperOrder* o : book.orders) {
    if (o->armed()) {
      armed = true;
      continue;
    }
    if (!rests(o->spec, o->triggered)) continue;
    const Decimal limit = *o->spec.price;
    if (adds && change.side != o->spec.side &&
        (o->spec.side == Side::buy ? change.price <= limit : change.price >= limit)) {
      may_cross = true;
    }
    if (!o->queued) {
      may_cross = may_cross || book.deep;  // joins its queue in match_resting
    } else if (snapshot_done) {
      o->queue.on_snapshot(book.depth.size_at(o->spec.side, limit));
    } else if (ours && o->spec.side == change.side && limit == change.price) {
      o->queue.on_level_change(previous, change.size, config_.queue_cancels);
    }
  }
  if (!may_cross && !armed) return;
  Outbox out;
  if (may_cross) match_resting(book, nullptr, out);
  if (armed) fire_triggers(book, nullptr, out);
  emit(std::move(out));
}

void PaperVenue::on_market_event(const MarketEvent& event) {
  std::lock_guard lock(guard_->mu);
  if (config_.price_source && event.venue != *config_.price_source) return;
  if (!event.symbol.valid()) return;
  if (const auto* change = std::get_if<BookChange>(&event.body)) {
    on_book_change(event.symbol, *change);
    return;
  }
  Book* book = nullptr;
  const Trade* trade = std::get_if<Trade>(&event.body);
  if (const auto* q = std::get_if<Quote>(&event.body)) {
    book = &book_of(event.symbol);
    book->quote = *q;
    book->bid_sized = q->bid_size.is_positive();
    book->ask_sized = q->ask_size.is_positive();
    book->bid_left = q->bid_size;
    book->ask_left = q->ask_size;
    book->quoted = true;
    if (book->deep) return;  // the depth book is the book: a quote moves nothing
  } else if (trade != nullptr) {
    auto it = books_.find(event.symbol.value);
    if (it == books_.end() || !it->second.priced()) return;
    book = &it->second;
  } else {
    return;
  }
  if (book->orders.empty()) return;
  std::erase_if(book->orders, [](const PaperOrder* o) { return !live(o->status); });
  Outbox out;
  match_resting(*book, trade, out);
  if (std::any_of(book->orders.begin(), book->orders.end(),
                  [](const PaperOrder* o) { return o->armed(); })) {
    fire_triggers(*book, trade, out);
  }
  emit(std::move(out));
}

// --- orders and queries --------------------------------------------------------------------

VenueOrder PaperVenue::view(const PaperOrder& o) const {
  VenueOrder v;
  v.client_order_id = o.spec.client_order_id.text;
  v.instrument = o.spec.instrument;
  if (const Instrument* inst = registry_.get(o.spec.instrument); inst != nullptr)
    v.venue_symbol = inst->venue_symbol;
  v.side = o.spec.side;
  v.type = o.spec.type;
  v.time_in_force = o.spec.time_in_force;
  v.quantity = o.spec.quantity;
  v.price = o.spec.price;
  v.reduce_only = o.spec.reduce_only;
  v.stop_price = o.spec.stop_price;
  v.triggered = o.triggered;
  v.report.status = o.status;
  v.report.cumulative_filled = o.filled;
  if (o.filled.is_positive()) {
    auto avg = o.notional.checked_div(o.filled, RoundingMode::nearest_even);
    if (avg) v.report.average_price = *avg;
  }
  v.report.venue_order_id = o.venue_order_id;
  v.report.reason = o.reason;
  v.report.at = o.updated;
  return v;
}

PaperVenue::PaperOrder* PaperVenue::find(const OrderRef& ref) {
  std::uint64_t seq = 0;
  if (!ref.venue_order_id.empty()) {
    auto it = by_venue_id_.find(ref.venue_order_id);
    if (it != by_venue_id_.end()) seq = it->second;
  } else if (!ref.client_order_id.empty()) {
    auto it = by_client_id_.find(ref.client_order_id);
    if (it != by_client_id_.end()) seq = it->second;
  }
  auto it = orders_.find(seq);
  return it == orders_.end() ? nullptr : &it->second;
}

Result<CancelAck> PaperVenue::do_cancel(const OrderRef& ref, Outbox& out) {
  PaperOrder* o = find(ref);
  const std::string who =
      "order '" + (ref.client_order_id.empty() ? ref.venue_order_id : ref.client_order_id) + "'";
  if (o == nullptr) {
    return venue_error(ErrorCode::not_found, Venue::paper, "cancel", who + ": unknown order", {},
                       "unknown order");
  }
  if (!live(o->status)) {
    const std::string why = "order is " + str(domain::to_string(o->status));
    return venue_error(ErrorCode::rejected, Venue::paper, "cancel", who + ": " + why, {}, why);
  }
  finish(*o, VenueOrderStatus::cancelled, out);
  const VenueOrder v = view(*o);
  out.orders.push_back(v);
  return CancelAck{o->venue_order_id, o->spec.client_order_id.text, v.report};
}

CancelAllAck PaperVenue::do_cancel_all(std::optional<InstrumentId> instrument, Outbox& out) {
  CancelAllAck ack;
  for (auto& [seq, o] : orders_) {
    if (!live(o.status) || (instrument && o.spec.instrument != *instrument)) continue;
    finish(o, VenueOrderStatus::cancelled, out);
    const VenueOrder v = view(o);
    out.orders.push_back(v);
    ack.cancelled.push_back(CancelAck{o.venue_order_id, o.spec.client_order_id.text, v.report});
  }
  return ack;
}

VenueCapabilities PaperVenue::capabilities() const noexcept {
  VenueCapabilities c;
  c.amend = false;
  c.dead_man_switch = true;
  c.positions = true;
  c.private_stream = true;
  c.stop_market = true;         // OrderType::stop, market when triggered
  c.stop_limit = true;          // OrderType::stop_limit, a limit at `price` when triggered
  c.take_profit_market = true;  // OrderType::take_profit, market when triggered
  return c;
}

RequestValidity PaperVenue::request_validity() const noexcept {
  // A place or cancel arrives at most its model's upper bound after it is sent (FIFO only
  // holds it behind earlier requests, which were sent before it with the same bound).
  Duration longest = config_.latency.request;
  for (const auto* model : {&config_.order_latency, &config_.cancel_latency}) {
    if (*model) longest = std::max(longest, (*model)->upper_bound());
  }
  return RequestValidity{std::max(config_.validity_window, longest), Duration::zero()};
}

void PaperVenue::place(const domain::OrderSpec& order, Callback<PlaceAck> done) {
  request<PlaceAck>([this, order](Outbox& out) { return do_place(order, out); }, std::move(done),
                    "place " + order.client_order_id.text, RequestKind::place);
}

void PaperVenue::cancel(const OrderRef& ref, Callback<CancelAck> done) {
  request<CancelAck>([this, ref](Outbox& out) { return do_cancel(ref, out); }, std::move(done),
                     "cancel", RequestKind::cancel);
}

void PaperVenue::cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) {
  request<CancelAllAck>(
      [this, instrument](Outbox& out) -> Result<CancelAllAck> {
        return do_cancel_all(instrument, out);
      },
      std::move(done), "cancel all", RequestKind::cancel);
}

void PaperVenue::set_dead_man_switch(Duration timeout, Callback<Timestamp> done) {
  request<Timestamp>(
      [this, timeout](Outbox& /*out*/) -> Result<Timestamp> {
        if (dead_man_timer_ != 0) {
          clock_.cancel(dead_man_timer_);
          timers_.erase(dead_man_timer_);
          dead_man_timer_ = 0;
        }
        if (timeout <= Duration::zero()) return Timestamp{};
        const Timestamp trigger = clock_.now() + timeout;
        dead_man_timer_ = later(timeout, [this] {
          dead_man_timer_ = 0;
          Outbox out;
          (void)do_cancel_all(std::nullopt, out);
          emit(std::move(out));
        });
        return trigger;
      },
      std::move(done), "dead-man switch");
}

void PaperVenue::order_status(const OrderRef& ref, Callback<VenueOrder> done) {
  request<VenueOrder>(
      [this, ref](Outbox& /*out*/) -> Result<VenueOrder> {
        const PaperOrder* o = find(ref);
        if (o == nullptr) {
          return venue_error(
              ErrorCode::not_found, Venue::paper, "order status",
              "order '" + ref.client_order_id + ref.venue_order_id + "': unknown order", {},
              "unknown order");
        }
        return view(*o);
      },
      std::move(done), "order status");
}

void PaperVenue::open_orders(std::optional<InstrumentId> instrument,
                             Callback<std::vector<VenueOrder>> done) {
  request<std::vector<VenueOrder>>(
      [this, instrument](Outbox& /*out*/) -> Result<std::vector<VenueOrder>> {
        std::vector<VenueOrder> out;
        for (const auto& [seq, o] : orders_) {
          if (live(o.status) && (!instrument || o.spec.instrument == *instrument)) {
            out.push_back(view(o));
          }
        }
        return out;
      },
      std::move(done), "open orders");
}

void PaperVenue::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                             Callback<std::vector<domain::Fill>> done) {
  request<std::vector<domain::Fill>>(
      [this, since, instrument](Outbox& /*out*/) -> Result<std::vector<domain::Fill>> {
        std::vector<domain::Fill> out;
        for (const auto& f : fills_) {
          if (f.time >= since && (!instrument || f.instrument == *instrument)) out.push_back(f);
        }
        return out;
      },
      std::move(done), "fills");
}

void PaperVenue::balances(Callback<std::vector<domain::Balance>> done) {
  request<std::vector<domain::Balance>>(
      [this](Outbox& /*out*/) -> Result<std::vector<domain::Balance>> {
        std::vector<domain::Balance> out;
        for (const auto& [currency, b] : balances_) out.push_back(b);
        return out;
      },
      std::move(done), "balances");
}

void PaperVenue::positions(Callback<std::vector<VenuePosition>> done) {
  request<std::vector<VenuePosition>>(
      [this](Outbox& /*out*/) -> Result<std::vector<VenuePosition>> {
        std::vector<VenuePosition> out;
        for (const auto& [id, p] : positions_) {
          if (p.is_flat()) continue;
          VenuePosition v;
          v.instrument = p.instrument();
          v.quantity = p.quantity();
          v.entry_price = p.average_entry_price();
          v.leverage = p.leverage();
          auto m = position_margin_.find(id);
          v.margin = m == position_margin_.end() ? Decimal::zero() : m->second;
          v.quote = p.quote();
          const Instrument* inst = registry_.get(p.instrument());
          if (inst != nullptr) {
            v.venue_symbol = inst->venue_symbol;
            auto b = books_.find(inst->symbol.value);
            if (b != books_.end()) {
              const Decimal bid = touch(b->second, Side::sell);
              const Decimal ask = touch(b->second, Side::buy);
              if (bid.is_positive() && ask.is_positive()) {
                auto u = p.unrealized_pnl((bid + ask) / Decimal::from_integer(2));
                if (u) v.unrealized_pnl = *u;
              }
            }
          }
          out.push_back(std::move(v));
        }
        return out;
      },
      std::move(done), "positions");
}

void PaperVenue::load_instruments(Callback<std::vector<Instrument>> done) {
  request<std::vector<Instrument>>(
      [this](Outbox& /*out*/) -> Result<std::vector<Instrument>> {
        std::vector<Instrument> out;
        for (const Instrument* i : registry_.by_venue(Venue::paper)) out.push_back(*i);
        return out;
      },
      std::move(done), "instruments");
}

void PaperVenue::server_time(Callback<Timestamp> done) {
  request<Timestamp>([this](Outbox& /*out*/) -> Result<Timestamp> { return clock_.now(); },
                     std::move(done), "server time");
}

// --- private stream ------------------------------------------------------------------------

void PaperVenue::start(PrivateStreamHandlers handlers) {
  std::lock_guard lock(guard_->mu);
  handlers_ = std::move(handlers);
  streaming_ = true;
  if (handlers_.on_state) handlers_.on_state(net::ConnectionState::connected);
}

void PaperVenue::quiesce() {
  std::map<TimerId, std::shared_ptr<std::function<void()>>> pending;
  {
    // Timer callbacks run under this mutex: one running now has finished once it is ours, and
    // one waiting for it finds its id gone from timers_ and returns (later_at).
    std::lock_guard lock(guard_->mu);
    if (streaming_ && handlers_.on_state) handlers_.on_state(net::ConnectionState::stopped);
    streaming_ = false;
    handlers_ = {};
    quiesced_ = true;
    pending = std::move(timers_);
    timers_.clear();
    dead_man_timer_ = 0;
    for (const auto& [id, fn] : pending) clock_.cancel(id);
  }
  pending.clear();  // pending completions answer `cancelled` here, outside every lock
}

void PaperVenue::stop() {
  std::lock_guard lock(guard_->mu);
  if (streaming_ && handlers_.on_state) handlers_.on_state(net::ConnectionState::stopped);
  streaming_ = false;
  handlers_ = {};
}

net::ConnectionState PaperVenue::state() const {
  std::lock_guard lock(guard_->mu);
  return streaming_ ? net::ConnectionState::connected : net::ConnectionState::stopped;
}

}  // namespace nzeza::venues::paper
