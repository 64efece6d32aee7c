#pragma once
// PaperVenue: a simulated exchange behind the VenueClient port, fed with live or replayed market
// data (on_market_event). nzeza trades against it whenever it is not explicitly in live mode,
// and the backtest replays history through it: paper trading and backtests share this one
// fill model.
//
// Books. Each symbol is in one of two modes, chosen by the data that arrives:
//   quote mode  (Quote events only) the top of book, as below;
//   depth mode  from the first complete BookChange snapshot on, a market::OrderBook is the book:
//               quotes are then kept for nothing but history, deltas move the book, and a
//               re-snapshot pauses matching until its last level.
//   A quote size of zero means "size not published": liquidity is then unlimited. Each taker or
//   maker fill consumes the displayed size; in quote mode until the next quote replaces it, in
//   depth mode until a BookChange touches that level (our own consumption is remembered per
//   level, since a replayed feed never shows our fills).
//
// Matching (deterministic: same events, same clock, same seed, same answers):
//   market   quote mode: fills the whole quantity at once at the opposite best price moved
//            against us by slippage_bps (rounded to the tick, adversely); refused without a
//            quote. Depth mode: walks the opposite levels, best first, one taker Fill per level
//            at that level's price, no slippage; what the book cannot fill expires (IOC, the
//            reason says how much the book held); refused when the side is empty.
//   limit    crossing at arrival (buy >= ask, sell <= bid): quote mode fills at the touch for at
//            most the displayed size (taker); depth mode walks the levels up to the limit, one
//            Fill per level. The remainder rests (GTC), expires (IOC), or the whole order
//            expires unfilled when the size within the limit cannot cover it (FOK).
//            Resting orders fill as maker at their own price when the book moves through them
//            (ask <= buy price, bid >= sell price) for at most the displayed size, better
//            prices first, or when a trade prints through their price (at most its size).
//   queue    depth mode only: a resting limit joins the back of its level (the displayed size
//            there is ahead of it) and a trade printed at its price fills it only past that
//            volume (our earlier orders at the price stand ahead of later ones); cancels move
//            it up as PaperConfig::queue_cancels says (pro rata by default, or from the back:
//            see queue_position.hpp). Quote mode keeps no queue: a trade at the price fills
//            nothing, a trade through it does.
//   post-only refused if it would cross at arrival.
//   rules    refused at arrival, naming the rule, like the venues: a price (or stop price) off
//            the tick, a size off the lot, below the minimum or above the maximum size, a
//            notional below the minimum (a market order's at the touch).
//   trigger orders (stop = stop-market, take_profit = market when triggered, stop_limit), GTC
//            only, reduce-only allowed. They rest untriggered (status open, triggered=false) until
//            the market moves through stop_price:
//                       sell                    buy
//              stop     bid <= stop             ask >= stop      (stop_limit: as stop)
//              take_pr. bid >= stop             ask <= stop
//            or a trade prints at or through it (same comparisons on the trade price). Checks
//            run on every quote, book change and trade after the resting limits have matched,
//            armed orders in placement order. Triggered, stop/take_profit fill as a market order
//            placed at that moment (taker fee; slippage, or the depth walk); stop_limit becomes a
//            limit at `price` (crossing: taker like a crossing limit; the rest rests as maker). One
//            order update goes out per trigger (its state after the trigger: filled, resting,
//            or expired), after the trigger's fills.
//            Refused at placement when the current quote already satisfies the trigger ("stop
//            price ... would trigger immediately", like Binance's -2010); accepted without a
//            quote (nothing to compare with).
//            Reduce-only perpetual triggers are not checked against the position at placement
//            (it may change before they fire, and an exit may be placed before its entry has
//            filled): they are checked when they fire, and trade at most the position they
//            reduce. With no position on their reducing side they expire with the reason
//            "reduce-only <side> triggered with no position to reduce (position <q>)"; a capped
//            remainder expires with "reduce-only: <q> beyond the position expired".
//            A resting reduce-only limit (a triggered stop_limit, or a plain limit) likewise fills
//            at most the position it reduces, and expires once that position is gone.
// Latency: a request reaches the book after its latency (PaperConfig: constant, or drawn per
// place / cancel from a seeded distribution); a place or cancel never arrives before one sent
// earlier (queries take latency.request and may pass them). An order may fill before the cancel
// sent after it arrives; the cancel is then refused ("order is filled"). Answers and pushed
// updates follow `latency.response` after the venue produced them.
// Fees: notional x bps / 10000 (maker or taker; per instrument when PaperConfig names it), in the
// quote currency, rounded half-even.
// Balances per currency (deposit() funds the account); total = available + locked always.
//   spot buy   locks the quote for price x size plus the larger fee; market buys pay at once
//   spot sell  locks the base size
//   trigger    locks at placement what it would need once triggered: a spot sell its base size
//              (reduce-only or not: an exit pair on one holding needs twice the base, as on
//              Binance spot without an OCO list); a spot buy quote for the limit price
//              (stop_limit) or the stop price moved by slippage_bps (stop/take_profit) plus the
//              fee; a perpetual the margin at that price plus the fee, nothing when reduce-only.
//              A market-on-trigger buy that gaps past that reserve takes the difference from
//              available funds when it fires, and expires ("insufficient <ccy> when triggered:
//              needs, available") when they fall short.
//   perpetual  collateral is the quote currency: an order locks price x size / leverage plus
//              the fee; a position keeps its initial margin locked; closing releases it and
//              books the realized PnL. Reduce-only orders need no margin and may not open.
// Refusals are Errors with the reason (insufficient_balance names currency, need and have;
// rejected for post-only, duplicate client id, no price...).
//
// Threading: one recursive mutex guards everything; calls, market events and timer callbacks
// may come from any thread. Callbacks (completions, stream handlers) run under that mutex on
// the clock's firing thread: they may call back into the venue but must not block on another
// thread that does. Destroying the venue cancels its timers; pending calls then complete with
// ErrorCode::cancelled. quiesce() does the same without destroying it (its owner can then empty
// what those callbacks reach, knowing none runs any more).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "domain/balance.hpp"
#include "domain/position.hpp"
#include "venues/paper/paper_config.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::paper {

class PaperVenue final : public VenueClient, public PrivateStream {
 public:
  // Trades the registry's instruments whose venue is Venue::paper. `clock` and `registry` must
  // outlive the venue.
  PaperVenue(Clock& clock, const InstrumentRegistry& registry, PaperConfig config = {});
  ~PaperVenue() override;

  // Funds the account (at once, no latency). amount > 0.
  Status deposit(const std::string& currency, Decimal amount);
  // Leverage for a perpetual (1 <= leverage <= the instrument's max_leverage when set).
  Status set_leverage(InstrumentId instrument, Decimal leverage);
  // Quotes, book changes (snapshots and deltas) and trades move the book and fill resting
  // orders; other events are ignored. A book delta without orders on its symbol allocates
  // nothing once the book has been seen.
  void on_market_event(const MarketEvent& event);
  // The current top of book of an instrument's symbol (displayed sizes after our own fills);
  // in depth mode, the best levels of the depth book.
  [[nodiscard]] std::optional<Quote> quote(InstrumentId instrument) const;
  // The balance as it is inside the venue now (no latency), for tests and the dashboard.
  [[nodiscard]] std::optional<domain::Balance> balance_now(const std::string& currency) const;

  // VenueClient.
  [[nodiscard]] Venue venue() const noexcept override { return Venue::paper; }
  NZEZA_VENUE_CLIENT_OVERRIDES
  NZEZA_VENUE_OVERRIDE(set_dead_man_switch)
  NZEZA_VENUE_OVERRIDE(positions)
  [[nodiscard]] PrivateStream* private_stream() noexcept override { return this; }

  // Stops the venue's own activity, for good: the stream stops, every pending timer is
  // cancelled (pending calls complete with ErrorCode::cancelled on this thread before it
  // returns), and a timer callback running now on the clock's thread is waited for. Afterwards no
  // callback of this venue runs on another thread: a call made later completes at once with
  // `cancelled` on the caller's thread, and market events move the books but deliver nothing.
  // Queries of its state (balance_now, quote) still answer. Idempotent.
  void quiesce();

  // PrivateStream.
  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;

 private:
  struct Book;
  struct PaperOrder;
  struct Guard;
  struct Outbox;  // events produced by one step, delivered after the response latency
  struct Take;    // one part of a taker fill: a price and the quantity taken there
  enum class RequestKind : std::uint8_t { query, place, cancel };

  // When a request made now reaches the venue: after its latency; a place or cancel never
  // before an earlier place or cancel.
  Timestamp arrival(RequestKind kind);
  template <typename T, typename Compute>
  void request(Compute compute, Callback<T> done, std::string what,
               RequestKind kind = RequestKind::query);
  TimerId later(Duration delay, std::function<void()> fn);
  TimerId later_at(Timestamp deadline, std::function<void()> fn);
  void emit(Outbox out);  // delivers `out` to the stream after the response latency
  void deliver(const Outbox& out);
  void settle(PaperOrder& order, Decimal amount);

  Result<PlaceAck> do_place(const domain::OrderSpec& spec, Outbox& out);
  Result<CancelAck> do_cancel(const OrderRef& ref, Outbox& out);
  CancelAllAck do_cancel_all(std::optional<InstrumentId> instrument, Outbox& out);
  void on_book_change(SymbolId symbol, const BookChange& change);
  void match_resting(Book& book, const Trade* trade, Outbox& out);
  void fire_triggers(Book& book, const Trade* trade, Outbox& out);
  void trigger(PaperOrder& order, const Instrument& instrument, Book& book, Outbox& out);
  [[nodiscard]] Result<Decimal> market_price(const Instrument& instrument, const Book* book,
                                             Side side) const;

  // Books.
  Book& book_of(SymbolId symbol);
  // Our own consumption of a depth level (`side`: the level's side).
  [[nodiscard]] static Decimal consumed(const Book& book, Side side, Decimal price);
  // The best depth level of `side` with size left after our consumption.
  [[nodiscard]] static std::optional<Take> top(const Book& book, Side side);
  // The price a taker on `side` meets first (the ask for a buy); zero when there is none.
  [[nodiscard]] static Decimal touch(const Book& book, Side side);
  // Fill plans into plan_; each returns the quantity planned (<= quantity). plan_depth walks
  // the depth levels within `limit` (none: a market order), whole lots only; plan_quote takes
  // the touch.
  Decimal plan_depth(const Book& book, const Instrument& instrument, Side side,
                     std::optional<Decimal> limit, Decimal quantity);
  Decimal plan_quote(const Book& book, Side side, Decimal limit, Decimal quantity);
  // Records that an order on `side` took `take` from the book.
  static void consume(Book& book, Side side, const Take& take);
  // Starts tracking a resting order's queue position (depth mode; once).
  static void join_queue(const Book& book, PaperOrder& order);
  // Tick, lot, size limits and minimum notional, as the venue refuses them.
  [[nodiscard]] static Status check_rules(const Instrument& instrument,
                                          const domain::OrderSpec& spec, Decimal touch_price);

  // The quantity a reduce-only perpetual order may still trade (its remaining quantity for
  // every other order).
  [[nodiscard]] Decimal reducible(const PaperOrder& order, const Instrument& instrument) const;
  Status execute(PaperOrder& order, const Instrument& instrument, Decimal price, Decimal quantity,
                 domain::Liquidity liquidity, Outbox& out);
  void finish(PaperOrder& order, domain::VenueOrderStatus status, Outbox& out);
  Status resize_reservation(PaperOrder& order, Decimal need);
  [[nodiscard]] Result<Decimal> reservation(const PaperOrder& order, const Instrument& instrument,
                                            Decimal price, Decimal quantity) const;
  [[nodiscard]] PaperFees fees(const Instrument& instrument) const;
  [[nodiscard]] Result<Decimal> fee(const Instrument& instrument, Decimal notional,
                                    domain::Liquidity liquidity) const;
  domain::Balance& balance(const std::string& currency);
  [[nodiscard]] Decimal leverage(InstrumentId instrument) const;
  [[nodiscard]] VenueOrder view(const PaperOrder& order) const;
  PaperOrder* find(const OrderRef& ref);

  Clock& clock_;
  const InstrumentRegistry& registry_;
  PaperConfig config_;
  std::shared_ptr<Guard> guard_;         // the mutex, and liveness for timer callbacks
  std::map<std::uint32_t, Book> books_;  // by SymbolId
  // By placement sequence (time priority); never erased, so pointers to them stay valid.
  std::map<std::uint64_t, PaperOrder> orders_;
  std::map<std::string, std::uint64_t, std::less<>> by_client_id_;
  std::map<std::string, std::uint64_t, std::less<>> by_venue_id_;
  std::map<std::string, domain::Balance, std::less<>> balances_;
  std::map<std::uint32_t, domain::Position> positions_;  // by InstrumentId, perpetuals
  std::map<std::uint32_t, Decimal> position_margin_;     // locked initial margin per position
  std::map<std::uint32_t, Decimal> leverage_;
  std::vector<domain::Fill> fills_;
  // Pending timers with their callbacks, so destruction can drop the callbacks (and complete
  // pending calls with `cancelled`) outside the clock's lock.
  std::map<TimerId, std::shared_ptr<std::function<void()>>> timers_;
  TimerId dead_man_timer_ = 0;
  std::uint64_t next_order_ = 1;
  std::uint64_t next_trade_ = 1;
  PrivateStreamHandlers handlers_;
  bool streaming_ = false;
  bool quiesced_ = false;  // quiesce(): no timer is scheduled any more
  LatencySampler sampler_;
  Timestamp last_order_arrival_;  // of the latest place or cancel: the next one comes after
  // Scratch space reused by every event (no allocation on the hot path after warm-up).
  std::vector<Take> plan_;
  std::vector<PaperOrder*> buys_;
  std::vector<PaperOrder*> sells_;
  std::vector<PaperOrder*> firing_;
};

}  // namespace nzeza::venues::paper
