#include "venues/hyperliquid/codec.hpp"

#include <simdjson.h>

#include <utility>

#include "core/enum_names.hpp"
#include "venues/codec_support/book_codec_state.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"
#include "venues/codec_support/raw_levels.hpp"
#include "venues/codec_support/trade_reader.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

namespace od = simdjson::ondemand;

static_assert(kFramePadding >= simdjson::SIMDJSON_PADDING, "frames need simdjson's padding");

constexpr std::size_t kMaxCachedSymbols = 256;
constexpr std::string_view kGreeting = "Websocket connection established.";

// trades data: [{"coin":"BTC","side":"B","px":"..","sz":"..","time":ms,"tid":..}, ...]; side
// "B": the taker bought (hit the ask).
constexpr codec::TradeKeys kTradeKeys =
    codec::trade_keys<"trades.data", "coin", "side", "px", "sz", "tid", "time">(
        "B", "A", "side must be A or B", codec::TimeForm::epoch_ms);

using codec::number_text;

}  // namespace

constexpr EnumNames kChannelNames{Channel::bbo, {"l2Book", "trades", "bbo"}};

std::string_view to_string(Channel c) noexcept {
  return kChannelNames.name(c);
}

struct HyperliquidCodecImpl
    : codec::BookCodecState<HyperliquidCodecConfig, HyperliquidCodecStats, codec::BookSlot> {
  HyperliquidCodecImpl(const InstrumentRegistry& r, const HyperliquidCodecConfig& c)
      : BookCodecState(Venue::hyperliquid, r, c, kMaxCachedSymbols, 32), stage(c.max_book_depth) {
    levels.reserve(2 * config.max_book_depth);
    pending.reserve(2 * config.max_book_depth + 8);
  }

  std::vector<PendingLevel> levels;
  std::string_view failing_book_coin;
  // The raw path's snapshot: its levels staged straight off the wire, then the book they were
  // loaded into (null: none this frame), whose levels are the snapshot's events.
  market::BookStage stage;
  const BookSlot* staged_book = nullptr;
  Timestamp staged_time;

  // {"px":"2.111","sz":"134.4","n":1}: Hyperliquid sends px then sz as plain decimal strings;
  // "n" is not read (on-demand skips it when the array moves on).
  bool parse_level(od::value& v, PendingLevel& out, const char* where) {
    static constexpr codec::LevelKeys kKeys = codec::level_keys<"px", "sz">();
    codec::LevelRead level;
    if (!codec::read_level(*this, v, kKeys, level, where)) return false;
    out.price = level.price;
    out.size = level.size;
    return true;
  }

  // data: {"coin":"BTC","time":ms,"levels":[[bids best first],[asks best first]]}
  bool parse_l2book(od::value& data, DecodeResult& r) {
    std::string_view coin;
    Timestamp venue_time;
    bool has_levels = false;
    if (!for_each_member(data, "l2Book.data", [&](od::raw_json_string key, od::value& val) {
          if (key == "coin") {
            if (!parse_string(val, coin, "l2Book.data.coin")) return false;
            failing_book_coin = coin;
          } else if (key == "time") {
            if (!parse_ms(val, venue_time, "l2Book.data.time")) return false;
          } else if (key == "levels") {
            static constexpr const char* kNotPair = "must be [[bids],[asks]]";
            if (!for_each_of_pair(
                    val, kNotPair, "l2Book.data.levels", [&](int index, od::value& side_value) {
                      od::array side_levels;
                      if (side_value.get_array().get(side_levels) != simdjson::SUCCESS)
                        return fail(kNotPair, "l2Book.data.levels");
                      const Side side = index == 0 ? Side::buy : Side::sell;
                      for (auto level_item : side_levels) {
                        od::value lv;
                        if (level_item.get(lv) != simdjson::SUCCESS)
                          return fail("bad level", "l2Book.data.levels");
                        PendingLevel pl{side, Decimal::zero(), Decimal::zero()};
                        if (!parse_level(lv, pl, "l2Book.data.levels[][]")) return false;
                        levels.push_back(pl);
                      }
                      return true;
                    }))
              return false;
            has_levels = true;
          }
          return true;
        }))
      return false;
    if (coin.empty()) return fail("without coin", "l2Book.data");
    if (!has_levels) return fail("without levels", "l2Book.data");
    commit_l2book(coin, venue_time, r);
    return true;
  }

  // A read l2Book (its levels in `levels`): the book of `coin` rebuilt from it.
  void commit_l2book(std::string_view coin, Timestamp venue_time, DecodeResult& r) {
    SymbolEntry* sym = symbols.resolve_known(coin, stats.unknown_symbol);
    if (sym == nullptr) return;
    BookSlot& slot = *codec::book_for(books, *sym, *sym->instrument, true, config.max_book_depth);
    MarketEvent tmpl = event_for(*slot.instrument, venue_time);
    tmpl.body.emplace<BookChange>();
    if (!codec::load_snapshot(*this, slot.book, std::span<const PendingLevel>(levels), tmpl))
      return;
    if (slot.book.crossed()) {
      ++stats.crossed_books;
      pending.clear();
      mark_resync(slot, r);
    }
  }

  // The fast path of the l2Book frame as Hyperliquid writes it,
  // {"channel":"l2Book","data":{"coin":..,"time":..,"levels":[[bids],[asks]]}} (data members in
  // any order, other scalar members skipped), read by the raw scanner without simdjson: the
  // levels go straight into `stage`, then into the book at once (staged_book, whose levels are
  // the events deliver_staged hands out). False, with nothing changed but the stage, on
  // anything else, and on a snapshot the stage does not take as it comes (unsorted, repeated or
  // deeper than the book), an empty or a crossed one: parse_frame decides.
  bool fast_l2book(std::string_view frame, DecodeResult& r) {
    static constexpr codec::raw::LevelNames kNames{
        .price = "px", .size = "sz", .form = codec::raw::LevelForm::object};
    static constexpr codec::raw::Literal kCount = codec::raw::literal_of(",\"", "n", "\":");
    stage.clear();
    codec::raw::Cursor c(frame);
    std::string_view key;
    std::string_view channel;
    if (!c.eat('{') || !codec::raw::read_key(c, key) || key != "channel" ||
        !codec::raw::read_string(c, channel) || channel != "l2Book" || !c.eat(',') ||
        !codec::raw::read_key(c, key) || key != "data" || !c.eat('{'))
      return false;
    std::string_view coin;
    std::uint64_t ms = 0;
    unsigned seen = 0;
    do {
      if (!codec::raw::read_key(c, key)) return false;
      if (key == "coin") {
        if ((seen & 1) != 0 || !codec::raw::read_string(c, coin) || coin.empty()) return false;
        seen |= 1;
      } else if (key == "time") {
        if ((seen & 2) != 0 || !codec::raw::read_uint(c, ms) || ms > 4'102'444'800'000ull)
          return false;
        seen |= 2;
      } else if (key == "levels") {
        if ((seen & 4) != 0 || !c.eat('[')) return false;
        for (const Side side : {Side::buy, Side::sell}) {
          if (side == Side::sell && !c.eat(',')) return false;
          if (!codec::raw::scan_levels(c, kNames, kCount, [&](const codec::raw::RawLevel& lv) {
                return stage.append(side, lv.price.value, lv.size.value);
              }))
            return false;
        }
        if (!c.eat(']')) return false;
        seen |= 4;
      } else if (!codec::raw::skip_scalar(c)) {
        return false;
      }
    } while (c.eat(','));
    if ((seen & 5) != 5 || !c.eat('}') || !c.eat('}') || !c.at_end()) return false;
    // An empty snapshot clears the book, a crossed one resyncs it: the reference path's.
    if (stage.empty() || stage.crossed()) return false;
    r.kind = FrameKind::market_data;
    SymbolEntry* sym = symbols.resolve(coin);
    if (sym == nullptr || sym->instrument == nullptr) {
      ++stats.unknown_symbol;
      return true;
    }
    BookSlot& slot = *codec::book_for(books, *sym, *sym->instrument, true, config.max_book_depth);
    slot.book.load_staged(stage, 0);
    staged_book = &slot;
    staged_time = (seen & 2) != 0 ? Timestamp::from_ms(static_cast<std::int64_t>(ms)) : Timestamp{};
    return true;
  }

  // A frame fast_l2book read: the snapshot's events, read back from the book (bids first, as
  // the wire lists them), to the sink, exactly as load_snapshot would have queued them; counted
  // in r.events and stats.events.
  DecodeResult deliver_staged(MarketEventSink& sink, DecodeResult& r) {
    if (staged_book == nullptr) return deliver(sink, stats, r);
    MarketEvent e = event_for(*staged_book->instrument, staged_time);
    e.body.emplace<BookChange>().snapshot = true;
    const std::size_t total = codec::emit_staged_snapshot(sink, staged_book->book, Side::buy, e);
    r.events = static_cast<std::uint32_t>(total);
    stats.events += total;
    return r;
  }

  // data: {"coin":"BTC","time":ms,"bbo":[bid level | null, ask level | null]}
  bool parse_bbo(od::value& data) {
    std::string_view coin;
    Timestamp venue_time;
    PendingLevel bid{Side::buy, Decimal::zero(), Decimal::zero()};
    PendingLevel ask{Side::sell, Decimal::zero(), Decimal::zero()};
    bool has_bid = false;
    bool has_ask = false;
    bool has_bbo = false;
    if (!for_each_member(data, "bbo.data", [&](od::raw_json_string key, od::value& val) {
          if (key == "coin") {
            if (!parse_string(val, coin, "bbo.data.coin")) return false;
          } else if (key == "time") {
            if (!parse_ms(val, venue_time, "bbo.data.time")) return false;
          } else if (key == "bbo") {
            if (!for_each_of_pair(
                    val, "must be [bid, ask]", "bbo.data.bbo", [&](int index, od::value& lv) {
                      bool is_null = false;
                      if (lv.is_null().get(is_null) != simdjson::SUCCESS)
                        return fail("bad level", "bbo.data.bbo");
                      if (is_null) return true;
                      (index == 0 ? has_bid : has_ask) = true;
                      return parse_level(lv, index == 0 ? bid : ask, "bbo.data.bbo[]");
                    }))
              return false;
            has_bbo = true;
          }
          return true;
        }))
      return false;
    if (coin.empty()) return fail("without coin", "bbo.data");
    if (!has_bbo) return fail("without bbo", "bbo.data");
    if (has_bid && has_ask && bid.price >= ask.price) return fail("bid must be < ask", "bbo.data");
    SymbolEntry* sym = symbols.resolve_known(coin, stats.unknown_symbol);
    if (sym == nullptr) return true;
    if (!has_bid || !has_ask) {
      ++stats.one_sided_bbo;
      return true;
    }
    MarketEvent e = event_for(*sym->instrument, venue_time);
    e.body = Quote{bid.price, bid.size, ask.price, ask.size};
    pending.push_back(e);
    return true;
  }

  bool parse_frame(std::string_view frame, DecodeResult& r) {
    std::string_view channel;
    bool has_data = false;
    if (!for_each_top_member(frame, [&](od::raw_json_string key, od::value& val) {
          if (key == "channel") {
            if (!parse_string(val, channel, "channel")) return false;
          } else if (key == "data") {
            has_data = true;
            if (channel.empty()) return fail("data before channel", "data");
            if (channel == "l2Book") {
              if (!parse_l2book(val, r)) return false;
            } else if (channel == "trades") {
              if (!codec::read_trades(*this, val, kTradeKeys, symbols, stats.unknown_symbol))
                return false;
            } else if (channel == "bbo") {
              if (!parse_bbo(val)) return false;
            } else if (channel == "error") {
              std::string_view text;
              if (val.get_string().get(text) != simdjson::SUCCESS) text = number_text(val);
              last_venue_error.assign(text);
            }
          }
          return true;
        }))
      return false;
    if (channel == "l2Book" || channel == "trades" || channel == "bbo") {
      if (!has_data) return fail("message without data", "data");
      r.kind = FrameKind::market_data;
    } else if (channel == "pong") {
      ++stats.pongs;
      r.kind = FrameKind::pong;
    } else if (channel == "subscriptionResponse") {
      r.kind = FrameKind::subscribed;
    } else if (channel == "error") {
      ++stats.venue_errors;
      r.kind = FrameKind::venue_error;
    } else {
      ignore_unknown(r);
    }
    return true;
  }

  Result<DecodeResult> decode(std::string_view frame, Timestamp rt, MarketEventSink& sink) {
    if (auto error = oversized("hyperliquid", frame)) return *error;
    DecodeResult r;
    if (codec::trim(frame) == kGreeting) {
      r.kind = FrameKind::connected;
      return r;
    }
    begin_frame(rt);
    staged_book = nullptr;
    if (fast_l2book(frame, r)) {
      ++stats.raw_frames;
      return deliver_staged(sink, r);
    }
    return read_frame(
        "hyperliquid", frame, r, sink, [] { return false; },
        [&] {
          levels.clear();
          failing_book_coin = {};
          return parse_frame(frame, r);
        },
        // The latest state of that book is unknown until the next good snapshot.
        [&] { resync_symbol(failing_book_coin, r, false); });
  }

  Result<std::string> sub_message(std::string_view method, Channel channel, InstrumentId id) const {
    auto inst = venue_instrument(id);
    if (!inst.ok()) return std::move(inst).error();
    std::string out = "{\"method\":\"";
    out += method;
    out += "\",\"subscription\":{\"type\":\"";
    out += to_string(channel);
    out += "\",\"coin\":";
    codec::append_json_string(out, codec::wire_symbol(**inst));
    out += "}}";
    return out;
  }
};

std::string HyperliquidCodec::ping_message() {
  return "{\"method\":\"ping\"}";
}

}  // namespace nzeza::venues::hyperliquid

namespace nzeza::venues::codec {
template class BookCodec<hyperliquid::HyperliquidCodec, hyperliquid::HyperliquidCodecImpl,
                         hyperliquid::HyperliquidCodecConfig, hyperliquid::HyperliquidCodecStats,
                         hyperliquid::DecodeResult, hyperliquid::Channel>;
}  // namespace nzeza::venues::codec
