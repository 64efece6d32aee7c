#pragma once
// VenueSet: the venues the server trades on (or reads prices from), opened and checked before
// anything else starts.
//
// The rule it never breaks: in live mode the server does not start unless EVERY configured
// venue answered, within the start's deadline, (1) its instrument metadata, listing every
// configured symbol, and (2) a signed read-only call (balances()) with the configured
// credentials. A key that only works for public data, a typo in a symbol or a venue that does
// not answer is found here, before the first order — not by the first order. All failures are
// reported at once (one line per venue and step), each naming the venue, the call and the
// venue's answer; never a key, a secret or a signed query (the clients keep those out of their
// errors, and nothing here reads them).
//
// Modes (app::Config):
//   mode = "live"                      clients built with the venue's credentials (env:PREFIX →
//                                      PREFIX_<FIELD>, file:PATH), metadata loaded into the
//                                      registry, balances() checked; each venue gets its
//                                      RateLimiter (venue_limits.hpp), CircuitBreaker and the
//                                      ThrottledClient over both that the router uses.
//   paper, market_data.source = "live" market data only: no client, no key, no request here.
//                                      Instruments are built from the configured symbols
//                                      (market_data_instrument): the venue factories need
//                                      credentials to build a client, and Coinbase signs even
//                                      its product list, so no venue's metadata is read without
//                                      keys. Nothing is priced or sized through these
//                                      instruments (orders go to the paper venue).
//   paper, simulated                   nothing to open: an empty set.
// URLs: VenueConfig::rest_url is the client's base URL; VenueConfig::ws_url is the venue's
// market-data WebSocket (live_feeds.hpp), not the private stream, whose URL each client derives
// (its production URL, or from a local simulator's rest_url).
//
// Threading: open_venues blocks the calling thread until every venue answered or the deadline
// passed (a Clock timer: on a ManualClock, advancing time past it ends the wait); it writes the
// registry only from the calling thread and only once every call it made has answered. A
// VenueSet is immutable once returned; its clients are thread-safe. Destroy it before the
// NetContext and the Clock; destroying it cancels calls in flight (ErrorCode::cancelled).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/config.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/balance.hpp"
#include "net/circuit_breaker.hpp"
#include "net/net_context.hpp"
#include "net/rate_limiter.hpp"
#include "venues/client_options.hpp"
#include "venues/throttled_client.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {

struct OpenOptions {
  // The whole open (every venue's metadata and signed call, concurrently), on the Clock.
  Duration deadline = 30s;
  // Per-request deadline of each client; zero: the client's default (10 s).
  Duration request_timeout{0};
  // PEM bundle trusted instead of the system store (a testnet's or the test PKI's CA).
  std::optional<std::string> ca_file;
  net::CircuitBreakerConfig breaker{};
  // Rate-limiter waits above this are refused (rate_limited, nothing sent).
  Duration max_limiter_wait = 10s;
  // Progress, as each venue's call answers ("load_instruments", "balances"; ok or not): for
  // a start screen, and for tests that must know an answer arrived. Runs on the thread that
  // delivered the answer, after it was recorded; must not block or call open_venues.
  std::function<void(Venue venue, std::string_view call, bool ok)> on_answer;
};

// One venue, opened. Members are declared so that destruction runs throttled → breaker →
// limiter → client (each refers to the ones after it).
struct OpenVenue {
  VenueConfig config;
  // The configured symbols' instruments, in config.symbols order.
  std::vector<InstrumentId> instruments;
  // True when tick, lot and limits come from the venue's metadata; false for market data only
  // (built from the symbol names).
  bool metadata_from_venue = false;
  // The answer of the signed read-only check (live only).
  std::vector<domain::Balance> balances;

  // Live only (null for market data only).
  std::unique_ptr<venues::VenueClient> client;
  std::unique_ptr<net::RateLimiter> limiter;
  std::unique_ptr<net::CircuitBreaker> breaker;
  std::unique_ptr<venues::ThrottledClient> throttled;

  // What the router uses: the ThrottledClient (rate limits and breaker before the client);
  // nullptr for market data only.
  [[nodiscard]] venues::VenueClient* trading_client() const noexcept { return throttled.get(); }
};

class VenueSet {
 public:
  enum class Kind : std::uint8_t { trading, market_data_only };

  explicit VenueSet(Kind kind) noexcept : kind_(kind) {}
  VenueSet(const VenueSet&) = delete;
  VenueSet& operator=(const VenueSet&) = delete;

  // Used by open_venues (and tests that build a set from parts); one entry per venue.
  void add(std::unique_ptr<OpenVenue> venue);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool trading() const noexcept { return kind_ == Kind::trading; }
  [[nodiscard]] bool empty() const noexcept { return venues_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return venues_.size(); }
  // In config order.
  [[nodiscard]] const std::vector<std::unique_ptr<OpenVenue>>& venues() const noexcept {
    return venues_;
  }
  [[nodiscard]] const OpenVenue* find(Venue venue) const noexcept;
  // The router's client of `venue` (its ThrottledClient); nullptr when not opened for trading.
  [[nodiscard]] venues::VenueClient* trading_client(Venue venue) const noexcept;
  // Every instrument of every venue, venue by venue in config order.
  [[nodiscard]] std::vector<InstrumentId> instruments() const;

 private:
  Kind kind_;
  std::vector<std::unique_ptr<OpenVenue>> venues_;
};

// Opens every [venues.X] of `config` as described above. The error (one per start, listing
// every venue's failure on its own line) says which venue, which step (building the client,
// load_instruments, a symbol the venue does not list, the signed balances() call, the
// deadline) and what the venue answered. ErrorCode: the failures' code when they share one,
// else unavailable. `net` must be running; net, clock and registry must outlive the set.
[[nodiscard]] Result<std::unique_ptr<VenueSet>> open_venues(const Config& config,
                                                            net::NetContext& net, Clock& clock,
                                                            InstrumentRegistry& registry,
                                                            OpenOptions options = {});

// The client options of one configured venue: rest_url, symbols, credentials source (env:PREFIX
// → CredentialOptions::env_prefix, file:PATH → CredentialOptions::file).
[[nodiscard]] venues::ClientOptions client_options(const VenueConfig& venue,
                                                   const OpenOptions& options);

// What a trader reads before real money moves: the mode, then per venue what it will trade
// (each symbol with tick, lot, min/max size, min notional, status) and the balances the signed
// check saw, then every limit that applies (risk, sizing, exits, shutdown policy). Plain text,
// one item per line.
[[nodiscard]] std::string start_banner(const VenueSet& venues, const Config& config,
                                       const InstrumentRegistry& registry);

}  // namespace nzeza::app
