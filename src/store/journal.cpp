#include "store/journal.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/enum_names.hpp"

namespace nzeza::store {

namespace {

// ── schema ───────────────────────────────────────────────────────────────────────────────────
// Decimals are their exact text, timestamps and durations integer nanoseconds, enums their
// names. Append-only tables carry an `id` (rowid): "latest" always means the highest id, the
// order in which the journal was told, never a timestamp that a venue may send out of order.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE intents (
  sequence INTEGER PRIMARY KEY,
  canonical TEXT NOT NULL,
  side TEXT NOT NULL,
  type TEXT NOT NULL,
  time_in_force TEXT NOT NULL,
  reduce_only INTEGER NOT NULL,
  quantity TEXT NOT NULL,
  price TEXT,
  stop_price TEXT,
  purpose TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX intents_at ON intents(at);
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY,
  sequence INTEGER NOT NULL,
  phase TEXT NOT NULL,
  venue TEXT,
  client_order_id TEXT NOT NULL,
  venue_order_id TEXT NOT NULL,
  venue_symbol TEXT NOT NULL,
  status TEXT,
  filled TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX order_events_sequence ON order_events(sequence, id);
CREATE TABLE fills (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  venue_symbol TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  side TEXT NOT NULL,
  price TEXT NOT NULL,
  quantity TEXT NOT NULL,
  fee TEXT NOT NULL,
  fee_currency TEXT NOT NULL,
  liquidity TEXT NOT NULL,
  time INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  recorded INTEGER NOT NULL,
  UNIQUE (venue, venue_symbol, trade_id)
);
CREATE INDEX fills_time ON fills(time);
CREATE INDEX fills_sequence ON fills(sequence);
CREATE TABLE positions (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  venue_symbol TEXT NOT NULL,
  canonical TEXT NOT NULL,
  quantity TEXT NOT NULL,
  average_entry TEXT,
  realized_pnl TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX positions_key ON positions(venue, venue_symbol, id);
CREATE TABLE balance_snapshots (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  currency TEXT NOT NULL,
  total TEXT NOT NULL,
  available TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX balance_snapshots_key ON balance_snapshots(venue, currency, id);
CREATE TABLE exit_levels (
  id INTEGER PRIMARY KEY,
  canonical TEXT NOT NULL,
  armed INTEGER NOT NULL,
  entry TEXT,
  stop_loss TEXT,
  take_profit TEXT,
  trailing_fraction TEXT,
  trailing_best TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX exit_levels_key ON exit_levels(canonical, id);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE TABLE reconciliations (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  venue TEXT NOT NULL,
  worst TEXT NOT NULL,
  trading_allowed INTEGER NOT NULL,
  report_json TEXT NOT NULL
);
CREATE TABLE candles (
  symbol TEXT NOT NULL,
  interval INTEGER NOT NULL,
  start INTEGER NOT NULL,
  open TEXT NOT NULL,
  high TEXT NOT NULL,
  low TEXT NOT NULL,
  close TEXT NOT NULL,
  volume TEXT NOT NULL,
  PRIMARY KEY (symbol, interval, start)
) WITHOUT ROWID;
CREATE TABLE screening (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  canonical TEXT NOT NULL,
  score REAL NOT NULL,
  details_json TEXT NOT NULL
);
CREATE INDEX screening_at ON screening(at);
)sql";

constexpr std::array kMigrations{Migration{1, kSchemaV1}};

// WAL pages after which flush() folds the WAL back into the file. SQLite's own automatic
// checkpoint would run inside whichever commit crosses its threshold — often an intent's, on the
// order path; this journal checkpoints from flush() (the store actor's thread) instead.
constexpr int kCheckpointPages = 1000;

// ── statements ───────────────────────────────────────────────────────────────────────────────
enum class Sql : std::uint8_t {
  insert_intent,
  insert_event,
  insert_fill,
  insert_position,
  insert_balance,
  insert_exit,
  insert_audit,
  insert_reconciliation,
  upsert_candle,
  insert_screening,
  live_orders,
  orders_since,
  all_fills,
  fills_since,
  latest_exits,
  latest_positions,
  first_intent,
  audit_since,
  reconciliations,
  candles,
  latest_screening,
  count
};

constexpr std::string_view kOrderColumns =
    "SELECT i.sequence, i.canonical, i.side, i.type, i.time_in_force, i.reduce_only, i.quantity, "
    "i.price, i.stop_price, i.purpose, i.at, e.phase, e.venue, e.client_order_id, "
    "e.venue_order_id, e.venue_symbol, e.status, e.filled, e.detail, e.at FROM intents i "
    "LEFT JOIN order_events e ON e.id = "
    "(SELECT MAX(id) FROM order_events WHERE sequence = i.sequence) ";
constexpr std::string_view kFillColumns =
    "SELECT venue, venue_symbol, trade_id, client_order_id, side, price, quantity, fee, "
    "fee_currency, liquidity, time, sequence, recorded FROM fills ";

// The phase names may_be_live() accepts, as an SQL list: the rule lives in one place.
std::string live_phase_list() {
  std::string out;
  for (int p = 0; p <= static_cast<int>(OrderPhase::unresolved); ++p) {
    const auto phase = static_cast<OrderPhase>(p);
    if (!may_be_live(phase)) continue;
    if (!out.empty()) out += ", ";
    out += "'" + std::string(to_string(phase)) + "'";
  }
  return out;
}

std::string sql_text(Sql s) {
  switch (s) {
    case Sql::insert_intent:
      return "INSERT INTO intents (sequence, canonical, side, type, time_in_force, reduce_only, "
             "quantity, price, stop_price, purpose, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    case Sql::insert_event:
      return "INSERT INTO order_events (sequence, phase, venue, client_order_id, venue_order_id, "
             "venue_symbol, status, filled, detail, at) VALUES (?,?,?,?,?,?,?,?,?,?)";
    case Sql::insert_fill:
      return "INSERT OR IGNORE INTO fills (venue, venue_symbol, trade_id, client_order_id, side, "
             "price, quantity, fee, fee_currency, liquidity, time, sequence, recorded) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    case Sql::insert_position:
      return "INSERT INTO positions (venue, venue_symbol, canonical, quantity, average_entry, "
             "realized_pnl, at) VALUES (?,?,?,?,?,?,?)";
    case Sql::insert_balance:
      return "INSERT INTO balance_snapshots (venue, currency, total, available, at) "
             "VALUES (?,?,?,?,?)";
    case Sql::insert_exit:
      return "INSERT INTO exit_levels (canonical, armed, entry, stop_loss, take_profit, "
             "trailing_fraction, trailing_best, at) VALUES (?,?,?,?,?,?,?,?)";
    case Sql::insert_audit:
      return "INSERT INTO audit (at, kind, text, fields) VALUES (?,?,?,?)";
    case Sql::insert_reconciliation:
      return "INSERT INTO reconciliations (at, venue, worst, trading_allowed, report_json) "
             "VALUES (?,?,?,?,?)";
    case Sql::upsert_candle:
      return "INSERT OR REPLACE INTO candles (symbol, interval, start, open, high, low, close, "
             "volume) VALUES (?,?,?,?,?,?,?,?)";
    case Sql::insert_screening:
      return "INSERT INTO screening (at, canonical, score, details_json) VALUES (?,?,?,?)";
    case Sql::live_orders:
      return std::string(kOrderColumns) + "WHERE e.phase IS NULL OR e.phase IN (" +
             live_phase_list() + ") ORDER BY i.sequence";
    case Sql::orders_since:
      return std::string(kOrderColumns) + "WHERE i.at >= ? ORDER BY i.sequence LIMIT ?";
    case Sql::all_fills:
      return std::string(kFillColumns) + "ORDER BY id";
    case Sql::fills_since:
      return std::string(kFillColumns) + "WHERE time >= ? ORDER BY id LIMIT ?";
    case Sql::latest_exits:
      return "SELECT canonical, armed, entry, stop_loss, take_profit, trailing_fraction, "
             "trailing_best, at FROM exit_levels WHERE id IN "
             "(SELECT MAX(id) FROM exit_levels GROUP BY canonical) AND armed = 1 "
             "ORDER BY canonical";
    case Sql::latest_positions:
      return "SELECT venue, venue_symbol, canonical, quantity, average_entry, realized_pnl, at "
             "FROM positions WHERE id IN "
             "(SELECT MAX(id) FROM positions GROUP BY venue, venue_symbol) ORDER BY id";
    case Sql::first_intent:
      return "SELECT at FROM intents ORDER BY sequence LIMIT 1";
    case Sql::audit_since:
      return "SELECT at, kind, text, fields FROM audit WHERE at >= ? ORDER BY id LIMIT ?";
    case Sql::reconciliations:
      return "SELECT at, venue, worst, trading_allowed, report_json FROM reconciliations "
             "ORDER BY id DESC LIMIT ?";
    case Sql::candles:
      return "SELECT symbol, interval, start, open, high, low, close, volume FROM candles "
             "WHERE symbol = ? AND interval = ? ORDER BY start DESC LIMIT ?";
    case Sql::latest_screening:
      return "SELECT at, canonical, score, details_json FROM screening "
             "WHERE at = (SELECT MAX(at) FROM screening) ORDER BY score DESC, id";
    case Sql::count:
      break;
  }
  return {};
}

// Resets a cached statement when its use ends, however it ends.
class Use {
 public:
  explicit Use(SQLite::Statement& s) noexcept : s_(s) {}
  ~Use() {
    (void)s_.tryReset();
    try {
      s_.clearBindings();
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing left to undo
    }
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  SQLite::Statement* operator->() const noexcept { return &s_; }
  SQLite::Statement& operator*() const noexcept { return s_; }

 private:
  SQLite::Statement& s_;
};

// ── binding ──────────────────────────────────────────────────────────────────────────────────
// Sequences are stored as their 64-bit pattern (SQLite integers are signed): every sequence
// round-trips; write_intent refuses one above INT64_MAX, so intents also sort correctly.
std::int64_t as_i64(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v);
}
std::uint64_t as_u64(std::int64_t v) noexcept {
  return static_cast<std::uint64_t>(v);
}
std::int64_t clamp_limit(std::size_t limit) noexcept {
  return static_cast<std::int64_t>(std::min<std::size_t>(
      limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

void put(SQLite::Statement& s, int i, std::string_view text) {
  s.bind(i, std::string(text));
}
void put(SQLite::Statement& s, int i, const Decimal& d) {
  s.bind(i, d.to_string());
}
void put(SQLite::Statement& s, int i, const std::optional<Decimal>& d) {
  if (d)
    s.bind(i, d->to_string());
  else
    s.bind(i);
}
void put(SQLite::Statement& s, int i, Timestamp t) {
  s.bind(i, static_cast<std::int64_t>(t.ns()));
}
void bind_int(SQLite::Statement& s, int i, std::int64_t v) {
  s.bind(i, v);
}
template <typename E>
void bind_enum(SQLite::Statement& s, int i, const std::optional<E>& e) {
  if (e)
    put(s, i, to_string(*e));
  else
    s.bind(i);
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────
template <typename E, std::size_t N>
std::optional<E> parse_named(std::string_view text, const std::array<E, N>& all) noexcept {
  for (E e : all)
    if (to_string(e) == text) return e;
  return std::nullopt;
}
constexpr std::array kSides{Side::buy, Side::sell};
constexpr std::array kOrderTypes{domain::OrderType::market, domain::OrderType::limit,
                                 domain::OrderType::stop, domain::OrderType::take_profit,
                                 domain::OrderType::stop_limit};
constexpr std::array kTimesInForce{domain::TimeInForce::gtc, domain::TimeInForce::ioc,
                                   domain::TimeInForce::fok, domain::TimeInForce::post_only};
constexpr std::array kStatuses{
    domain::VenueOrderStatus::open,     domain::VenueOrderStatus::partially_filled,
    domain::VenueOrderStatus::filled,   domain::VenueOrderStatus::cancelled,
    domain::VenueOrderStatus::rejected, domain::VenueOrderStatus::expired};
constexpr std::array kLiquidities{domain::Liquidity::maker, domain::Liquidity::taker};

// Reads one row's columns; the first value that does not decode becomes `error` (naming the
// file, the table, the column and the text) and the row is dropped by the caller.
class RowReader {
 public:
  RowReader(const SQLite::Statement& s, std::string_view table, const std::string& file)
      : s_(s), table_(table), file_(file) {}

  std::string text(int i) const { return s_.getColumn(i).getString(); }
  bool is_null(int i) const { return s_.isColumnNull(i); }
  std::int64_t integer(int i) const { return s_.getColumn(i).getInt64(); }
  Timestamp time(int i) const { return Timestamp::from_ns(integer(i)); }
  double real(int i) const { return s_.getColumn(i).getDouble(); }

  Decimal decimal(int i) {
    const std::string t = text(i);
    auto d = Decimal::parse(t);
    if (d) return *d;
    bad(i, t, "not a decimal");
    return {};
  }
  std::optional<Decimal> opt_decimal(int i) {
    if (is_null(i)) return std::nullopt;
    return decimal(i);
  }
  Venue venue(int i) {
    const std::string t = text(i);
    if (auto v = parse_venue(t)) return *v;
    bad(i, t, "not a venue");
    return Venue::paper;
  }
  template <typename E, std::size_t N>
  E named(int i, const std::array<E, N>& all, std::string_view what) {
    const std::string t = text(i);
    if (auto e = parse_named(t, all)) return *e;
    bad(i, t, what);
    return all[0];
  }
  OrderPhase phase(int i) {
    const std::string t = text(i);
    if (auto p = parse_order_phase(t)) return *p;
    bad(i, t, "not an order phase");
    return OrderPhase::unresolved;
  }

  std::optional<Error> error;

  void bad(int i, std::string_view value, std::string_view what) {
    if (error) return;
    error = Error(ErrorCode::parse_error, "journal " + file_ + ": " + std::string(table_) + "." +
                                              s_.getColumnName(i) + " holds '" +
                                              std::string(value) + "', " + std::string(what));
  }

 private:
  const SQLite::Statement& s_;
  std::string_view table_;
  const std::string& file_;
};

// Audit fields as one JSON object (keys in the order given).
std::string fields_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  boost::json::object o;
  for (const auto& [k, v] : fields) o[k] = v;
  return boost::json::serialize(o);
}
std::optional<std::vector<std::pair<std::string, std::string>>> parse_fields(
    std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, val] : v.get_object()) {
    if (!val.is_string()) return std::nullopt;
    out.emplace_back(std::string(k), std::string(val.get_string()));
  }
  return out;
}

ErrorCode code_of(const std::exception& e) noexcept {
  const auto* sq = dynamic_cast<const SQLite::Exception*>(&e);
  if (sq == nullptr) return ErrorCode::internal;
  switch (sq->getErrorCode()) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return ErrorCode::parse_error;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return ErrorCode::invalid_argument;
    default:
      return ErrorCode::unavailable;  // I/O, full disk, busy, locked, read-only...
  }
}

}  // namespace

// ── public helpers ───────────────────────────────────────────────────────────────────────────
int schema_version() noexcept {
  return kMigrations.back().version;
}

std::span<const Migration> migrations() noexcept {
  return kMigrations;
}

constexpr EnumNames kOrderPhaseNames{
    OrderPhase::unresolved,
    {"pending", "refused", "working", "unknown", "done", "never_executed", "unresolved"},
    "invalid"};

std::string_view to_string(OrderPhase p) noexcept {
  return kOrderPhaseNames.name(p);
}

std::optional<OrderPhase> parse_order_phase(std::string_view text) noexcept {
  return kOrderPhaseNames.parse(text);
}

bool may_be_live(OrderPhase p) noexcept {
  return p == OrderPhase::pending || p == OrderPhase::working || p == OrderPhase::unknown ||
         p == OrderPhase::unresolved;
}

// ── Impl ─────────────────────────────────────────────────────────────────────────────────────
// One process per journal: `<file>.lock` held with flock() while the Journal is open (the
// kernel drops it when the process dies, kill -9 included). A second nzeza on the same data_dir
// would trade the same account from a second set of books: refused at open, naming the holder.
class JournalLock {
 public:
  JournalLock() = default;
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;
  ~JournalLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }

  Status acquire(const std::filesystem::path& journal) {
    const std::string path = journal.string() + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return Error{ErrorCode::unavailable,
                   "journal lock " + path + ": cannot open: " + std::strerror(errno)};
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      std::string holder;
      char buf[32] = {};
      if (const auto n = ::pread(fd_, buf, sizeof buf - 1, 0); n > 0)
        holder.assign(buf, static_cast<std::size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK)
        return Error{ErrorCode::invalid_state,
                     "journal " + journal.string() + " is in use by another nzeza" +
                         (holder.empty() ? std::string() : " (process " + holder + ")") +
                         ": one process per data_dir; stop it first, or use another data_dir"};
      return Error{ErrorCode::unavailable,
                   "journal lock " + path + ": flock failed: " + std::strerror(err)};
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
      [[maybe_unused]] const auto written = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
    return {};
  }

 private:
  int fd_ = -1;
};

struct Journal::Impl {
  JournalLock lock;  // first: released after the connection closes
  std::filesystem::path file;
  std::string where;  // file, as text for messages
  int version = 0;

  mutable std::mutex db_mu;  // the connection and its statements
  std::unique_ptr<SQLite::Database> db;
  std::array<std::unique_ptr<SQLite::Statement>, static_cast<std::size_t>(Sql::count)> stmts;
  std::atomic<std::uint64_t> last_sequence{0};
  int wal_pages = 0;  // pages in the WAL after the last commit (the WAL hook sets it)
  bool durable = true;

  mutable std::mutex q_mu;  // the queue only
  std::vector<QueuedRecord> queue;

  std::atomic<std::uint64_t> intents{0};
  std::atomic<std::uint64_t> flushes{0};
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::uint64_t> failures{0};
  // Wall time on the steady clock (a measurement of the disk, not a behaviour driven by time).
  LatencyHistogram intent_write;  // write_intent() from its call to durable, lock wait included
  LatencyHistogram flush_time;    // flushes that wrote something, successful ones

  [[nodiscard]] Error error(const std::exception& e, std::string_view what) const {
    return Error(code_of(e), "journal " + where + ": " + std::string(what) + ": " + e.what());
  }

  // A read: under the database lock, after the queued writes are flushed, so it sees every write
  // made before it; SQLite's exceptions become errors naming `what`.
  template <typename T, typename Read>
  Result<T> read(std::string_view what, Read&& body) {
    const std::lock_guard lock(db_mu);
    if (auto f = flush_locked(); !f) return std::move(f).error();
    try {
      return body();
    } catch (const std::exception& e) {
      return error(e, what);
    }
  }

  // Every row of `s` as a T read by `row`; the first bad column ends the read with its error.
  template <typename T, typename Row>
  Result<std::vector<T>> rows(Use& s, std::string_view table, Row&& row) {
    std::vector<T> out;
    while (s->executeStep()) {
      RowReader r(*s, table, where);
      T record = row(r);
      if (r.error) return *r.error;
      out.push_back(std::move(record));
    }
    return out;
  }

  // db_mu held.
  SQLite::Statement& stmt(Sql s) {
    auto& slot = stmts[static_cast<std::size_t>(s)];
    if (!slot) slot = std::make_unique<SQLite::Statement>(*db, sql_text(s));
    return *slot;
  }

  std::function<void()> wake;  // set before use

  void push(QueuedRecord q) {
    bool was_empty = false;
    {
      const std::lock_guard lock(q_mu);
      was_empty = queue.empty();
      queue.push_back(std::move(q));
    }
    if (was_empty && wake) wake();
  }
  std::vector<QueuedRecord> take() {
    const std::lock_guard lock(q_mu);
    std::vector<QueuedRecord> out;
    out.swap(queue);
    return out;
  }
  // A failed batch goes back in front of what was queued meanwhile: the order holds.
  void give_back(std::vector<QueuedRecord> batch) {
    if (batch.empty()) return;
    const std::lock_guard lock(q_mu);
    batch.insert(batch.end(), std::make_move_iterator(queue.begin()),
                 std::make_move_iterator(queue.end()));
    queue.swap(batch);
  }

  // ── writers (db_mu held, inside a transaction) ──
  void write(const OrderEventRecord& e) {
    Use s(stmt(Sql::insert_event));
    bind_int(*s, 1, as_i64(e.sequence));
    put(*s, 2, to_string(e.phase));
    bind_enum(*s, 3, e.venue);
    put(*s, 4, e.client_order_id);
    put(*s, 5, e.venue_order_id);
    put(*s, 6, e.venue_symbol);
    bind_enum(*s, 7, e.status);
    put(*s, 8, e.filled);
    put(*s, 9, e.detail);
    put(*s, 10, e.at);
    s->exec();
  }
  void write(const FillRecord& r) {
    const domain::Fill& f = r.fill;
    Use s(stmt(Sql::insert_fill));
    put(*s, 1, to_string(f.venue));
    put(*s, 2, f.venue_symbol);
    put(*s, 3, f.trade_id);
    put(*s, 4, f.client_order_id);
    put(*s, 5, to_string(f.side));
    put(*s, 6, f.price);
    put(*s, 7, f.quantity);
    put(*s, 8, f.fee);
    put(*s, 9, f.fee_currency);
    put(*s, 10, to_string(f.liquidity));
    put(*s, 11, f.time);
    bind_int(*s, 12, as_i64(r.sequence));
    put(*s, 13, r.recorded);
    s->exec();
  }
  void write(const PositionRecord& p) {
    Use s(stmt(Sql::insert_position));
    put(*s, 1, to_string(p.venue));
    put(*s, 2, p.venue_symbol);
    put(*s, 3, p.canonical);
    put(*s, 4, p.quantity);
    put(*s, 5, p.average_entry);
    put(*s, 6, p.realized_pnl);
    put(*s, 7, p.at);
    s->exec();
  }
  void write(const BalanceRecord& b) {
    Use s(stmt(Sql::insert_balance));
    put(*s, 1, to_string(b.venue));
    put(*s, 2, b.currency);
    put(*s, 3, b.total);
    put(*s, 4, b.available);
    put(*s, 5, b.at);
    s->exec();
  }
  void write(const ExitLevelsRecord& x) {
    Use s(stmt(Sql::insert_exit));
    put(*s, 1, x.canonical);
    bind_int(*s, 2, x.armed ? 1 : 0);
    put(*s, 3, x.entry);
    put(*s, 4, x.stop_loss);
    put(*s, 5, x.take_profit);
    put(*s, 6, x.trailing_fraction);
    put(*s, 7, x.trailing_best);
    put(*s, 8, x.at);
    s->exec();
  }
  void write(const AuditRecord& a) {
    Use s(stmt(Sql::insert_audit));
    put(*s, 1, a.at);
    put(*s, 2, a.kind);
    put(*s, 3, a.text);
    put(*s, 4, fields_json(a.fields));
    s->exec();
  }
  void write(const ReconciliationRecord& r) {
    Use s(stmt(Sql::insert_reconciliation));
    put(*s, 1, r.at);
    put(*s, 2, to_string(r.venue));
    put(*s, 3, r.worst);
    bind_int(*s, 4, r.trading_allowed ? 1 : 0);
    put(*s, 5, r.report_json);
    s->exec();
  }
  void write(const CandleRecord& c) {
    Use s(stmt(Sql::upsert_candle));
    put(*s, 1, c.canonical);
    bind_int(*s, 2, static_cast<std::int64_t>(c.interval.count()));
    put(*s, 3, c.start);
    put(*s, 4, c.open);
    put(*s, 5, c.high);
    put(*s, 6, c.low);
    put(*s, 7, c.close);
    put(*s, 8, c.volume);
    s->exec();
  }
  void write(const ScreeningRecord& r) {
    Use s(stmt(Sql::insert_screening));
    put(*s, 1, r.at);
    put(*s, 2, r.canonical);
    s->bind(3, r.score);
    put(*s, 4, r.details_json);
    s->exec();
  }
  void write_intent_row(const IntentRecord& i) {
    Use s(stmt(Sql::insert_intent));
    bind_int(*s, 1, as_i64(i.sequence));
    put(*s, 2, i.canonical);
    put(*s, 3, to_string(i.side));
    put(*s, 4, to_string(i.type));
    put(*s, 5, to_string(i.time_in_force));
    bind_int(*s, 6, i.reduce_only ? 1 : 0);
    put(*s, 7, i.quantity);
    put(*s, 8, i.price);
    put(*s, 9, i.stop_price);
    put(*s, 10, i.purpose);
    put(*s, 11, i.at);
    s->exec();
  }
  void write_all(const std::vector<QueuedRecord>& batch) {
    for (const auto& q : batch) std::visit([this](const auto& r) { write(r); }, q);
  }

  // db_mu held. Writes the queue in one transaction at the connection's current synchronous
  // setting; `extra` runs inside the same transaction after the queue (write_intent's row).
  template <typename Extra>
  Result<std::size_t> commit_queue(std::string_view what, Extra&& extra) {
    std::vector<QueuedRecord> batch = take();
    try {
      SQLite::Transaction tx(*db);
      write_all(batch);
      extra();
      tx.commit();
    } catch (const std::exception& e) {
      give_back(std::move(batch));
      return error(e, what);
    }
    written += batch.size();
    return batch.size();
  }

  Result<std::size_t> flush_locked() {
    bool empty = false;
    {
      const std::lock_guard lock(q_mu);
      empty = queue.empty();
    }
    Result<std::size_t> n = std::size_t{0};
    if (!empty) {
      const auto started = std::chrono::steady_clock::now();
      n = commit_queue("flush", [] {});
      if (n) {
        ++flushes;
        flush_time.record(
            std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started));
      } else {
        ++failures;
      }
    }
    checkpoint_if_due();
    return n;
  }

  // PASSIVE: copies what no reader still needs and never waits; a failure is retried by the
  // next flush (the WAL only grows meanwhile).
  void checkpoint_if_due() noexcept {
    if (wal_pages < kCheckpointPages) return;
    int log = 0;
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(db->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &copied) == SQLITE_OK &&
        copied == log)
      wal_pages = 0;
  }

  // ── readers (db_mu held) ──
  Result<std::vector<OrderRecord>> read_orders(Use& s) {
    std::vector<OrderRecord> out;
    while (s->executeStep()) {
      RowReader r(*s, "intents", where);
      OrderRecord o;
      IntentRecord& i = o.intent;
      i.sequence = as_u64(r.integer(0));
      i.canonical = r.text(1);
      i.side = r.named(2, kSides, "not a side");
      i.type = r.named(3, kOrderTypes, "not an order type");
      i.time_in_force = r.named(4, kTimesInForce, "not a time in force");
      i.reduce_only = r.integer(5) != 0;
      i.quantity = r.decimal(6);
      i.price = r.opt_decimal(7);
      i.stop_price = r.opt_decimal(8);
      i.purpose = r.text(9);
      i.at = r.time(10);
      if (r.is_null(11)) {  // no event yet: the intent alone
        o.phase = OrderPhase::pending;
        o.updated = i.at;
      } else {
        RowReader e(*s, "order_events", where);
        o.phase = e.phase(11);
        if (!e.is_null(12)) o.venue = e.venue(12);
        o.client_order_id = e.text(13);
        o.venue_order_id = e.text(14);
        o.venue_symbol = e.text(15);
        if (!e.is_null(16)) o.status = e.named(16, kStatuses, "not a venue order status");
        o.filled = e.decimal(17);
        o.detail = e.text(18);
        o.updated = e.time(19);
        if (e.error) return *e.error;
      }
      if (r.error) return *r.error;
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<std::vector<FillRecord>> read_fills(Use& s) {
    return rows<FillRecord>(s, "fills", [](RowReader& r) {
      FillRecord rec;
      domain::Fill& f = rec.fill;
      f.venue = r.venue(0);
      f.venue_symbol = r.text(1);
      f.trade_id = r.text(2);
      f.client_order_id = r.text(3);
      f.side = r.named(4, kSides, "not a side");
      f.price = r.decimal(5);
      f.quantity = r.decimal(6);
      f.fee = r.decimal(7);
      f.fee_currency = r.text(8);
      f.liquidity = r.named(9, kLiquidities, "not a liquidity");
      f.time = r.time(10);
      rec.sequence = as_u64(r.integer(11));
      rec.recorded = r.time(12);
      return rec;
    });
  }
};

// ── open and migrate ─────────────────────────────────────────────────────────────────────────
namespace {

Status check_migrations(std::span<const Migration> list) {
  if (list.empty()) return fail(ErrorCode::internal, "journal: no migrations");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].version != static_cast<int>(i) + 1)
      return fail(ErrorCode::internal, "journal: migration #" + std::to_string(i + 1) +
                                           " has version " + std::to_string(list[i].version));
  }
  return {};
}

// "<file>.v<old>.bak", or the first free "<file>.v<old>.<n>.bak": a backup is never replaced.
std::filesystem::path backup_path(const std::filesystem::path& file, int old) {
  const std::string base = file.string() + ".v" + std::to_string(old);
  std::filesystem::path p = base + ".bak";
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(p, ec); ++n) p = base + "." + std::to_string(n) + ".bak";
  return p;
}

}  // namespace

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& file) {
  return open(file, migrations());
}

Result<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& file,
                                               JournalOptions options) {
  return open(file, migrations(), options);
}

Result<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& file,
                                               std::span<const Migration> list,
                                               JournalOptions options) {
  if (auto st = check_migrations(list); !st) return std::move(st).error();
  const int target = list.back().version;
  const std::string where = file.string();
  if (file.empty()) return fail(ErrorCode::invalid_argument, "journal: empty file name");

  std::error_code ec;
  if (const auto dir = file.parent_path(); !dir.empty()) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return fail(ErrorCode::unavailable, "journal " + where + ": cannot create directory " +
                                              dir.string() + ": " + ec.message());
  }
  if (std::filesystem::is_directory(file, ec))
    return fail(ErrorCode::invalid_argument, "journal " + where + " is a directory, not a file");

  auto impl = std::make_unique<Impl>();
  if (auto locked = impl->lock.acquire(file); !locked) return std::move(locked).error();
  impl->file = file;
  impl->where = where;
  impl->durable = options.durable;
  std::string step = "open";
  try {
    impl->db = std::make_unique<SQLite::Database>(
        file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, /*busy timeout ms*/ 5000);
    SQLite::Database& db = *impl->db;

    // Read before anything writes: a newer journal is refused untouched, and a file that is not
    // a database fails here ("file is not a database").
    step = "read schema version";
    const int found = db.execAndGet("PRAGMA user_version").getInt();
    if (found > target)
      return fail(ErrorCode::invalid_state,
                  "journal " + where + " has schema version " + std::to_string(found) +
                      ", newer than version " + std::to_string(target) +
                      " that this nzeza writes: refused (run the newer nzeza, or move the file)");
    if (found == 0) {
      const int objects =
          db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
              .getInt();
      if (objects > 0)
        return fail(ErrorCode::invalid_state,
                    "journal " + where + " is an SQLite database with " + std::to_string(objects) +
                        " objects but no schema version: not a journal nzeza wrote; refused");
    }

    step = "switch to WAL";
    if (const std::string mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
        mode != "wal")
      return fail(ErrorCode::unavailable,
                  "journal " + where + ": journal_mode is '" + mode + "', WAL was refused");
    db.exec(impl->durable ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=OFF");
    // Replaces SQLite's automatic checkpoint (itself a WAL hook): see kCheckpointPages.
    sqlite3_wal_hook(
        db.getHandle(),
        [](void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
          static_cast<Impl*>(self)->wal_pages = pages;
          return SQLITE_OK;
        },
        impl.get());

    if (found > 0 && found < target) {
      const auto bak = backup_path(file, found);
      step = "back up version " + std::to_string(found) + " to " + bak.string();
      SQLite::Statement vacuum(db, "VACUUM INTO ?");
      vacuum.bind(1, bak.string());
      vacuum.exec();
    }
    if (found < target) {
      step = "migrate from version " + std::to_string(found) + " to " + std::to_string(target);
      SQLite::Transaction tx(db);
      for (const Migration& m : list) {
        if (m.version <= found) continue;
        db.exec(std::string(m.sql));
      }
      db.exec("PRAGMA user_version = " + std::to_string(target));
      tx.commit();
    }
    impl->version = target;

    step = "read the last sequence";
    impl->last_sequence =
        as_u64(db.execAndGet("SELECT COALESCE(MAX(sequence), 0) FROM intents").getInt64());
  } catch (const std::exception& e) {
    return impl->error(e, step);
  }
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

const std::filesystem::path& Journal::path() const noexcept {
  return impl_->file;
}

// ── writes ───────────────────────────────────────────────────────────────────────────────────
Status Journal::write_intent(const IntentRecord& intent) {
  Impl& m = *impl_;
  if (intent.sequence == 0 ||
      intent.sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return fail(ErrorCode::invalid_argument, "journal " + m.where + ": intent sequence " +
                                                 std::to_string(intent.sequence) +
                                                 " is outside 1..2^63-1");
  const auto started = std::chrono::steady_clock::now();
  const std::lock_guard lock(m.db_mu);
  const std::uint64_t last = m.last_sequence.load();
  if (intent.sequence <= last)
    return fail(ErrorCode::invalid_argument,
                "journal " + m.where + ": intent sequence " + std::to_string(intent.sequence) +
                    " is not above the last sequence written, " + std::to_string(last) +
                    " (its client id may already have been sent)");
  if (m.durable) {
    try {
      m.db->exec("PRAGMA synchronous=FULL");
    } catch (const std::exception& e) {
      return m.error(e, "write intent " + std::to_string(intent.sequence) + ": synchronous=FULL");
    }
  }
  auto done = m.commit_queue("write intent " + std::to_string(intent.sequence),
                             [&] { m.write_intent_row(intent); });
  if (m.durable) {
    try {
      m.db->exec("PRAGMA synchronous=NORMAL");
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch)
      // The next commits run at FULL: slower, never less durable.
    }
  }
  if (!done) return std::move(done).error();
  m.last_sequence = intent.sequence;
  ++m.intents;
  m.intent_write.record(
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started));
  return {};
}

void Journal::on_first_queued(std::function<void()> wake) {
  impl_->wake = std::move(wake);
}

void Journal::record(QueuedRecord r) {
  impl_->push(std::move(r));
}

Result<std::size_t> Journal::flush() {
  const std::lock_guard lock(impl_->db_mu);
  return impl_->flush_locked();
}

// ── reads ────────────────────────────────────────────────────────────────────────────────────
Result<JournalState> Journal::load() {
  Impl& m = *impl_;
  return m.read<JournalState>("load", [&]() -> Result<JournalState> {
    JournalState out;
    out.schema_version = m.version;
    out.last_sequence = m.last_sequence.load();
    {
      Use s(m.stmt(Sql::live_orders));
      auto orders = m.read_orders(s);
      if (!orders) return std::move(orders).error();
      out.orders = std::move(*orders);
    }
    {
      Use s(m.stmt(Sql::all_fills));
      auto fills = m.read_fills(s);
      if (!fills) return std::move(fills).error();
      out.fills = std::move(*fills);
    }
    {
      Use s(m.stmt(Sql::latest_exits));
      auto exits = m.rows<ExitLevelsRecord>(s, "exit_levels", [](RowReader& r) {
        ExitLevelsRecord x;
        x.canonical = r.text(0);
        x.armed = r.integer(1) != 0;
        x.entry = r.opt_decimal(2);
        x.stop_loss = r.opt_decimal(3);
        x.take_profit = r.opt_decimal(4);
        x.trailing_fraction = r.opt_decimal(5);
        x.trailing_best = r.opt_decimal(6);
        x.at = r.time(7);
        return x;
      });
      if (!exits) return std::move(exits).error();
      out.exit_levels = std::move(*exits);
    }
    {
      Use s(m.stmt(Sql::latest_positions));
      auto positions = m.rows<PositionRecord>(s, "positions", [](RowReader& r) {
        PositionRecord p;
        p.venue = r.venue(0);
        p.venue_symbol = r.text(1);
        p.canonical = r.text(2);
        p.quantity = r.decimal(3);
        p.average_entry = r.opt_decimal(4);
        p.realized_pnl = r.decimal(5);
        p.at = r.time(6);
        return p;
      });
      if (!positions) return std::move(positions).error();
      out.positions = std::move(*positions);
    }
    {
      Use s(m.stmt(Sql::first_intent));
      if (s->executeStep()) out.first_intent_at = Timestamp::from_ns(s->getColumn(0).getInt64());
    }
    return out;
  });
}

Result<std::vector<OrderRecord>> Journal::orders_since(Timestamp since, std::size_t limit) {
  Impl& m = *impl_;
  return m.read<std::vector<OrderRecord>>("read orders", [&] {
    Use s(m.stmt(Sql::orders_since));
    put(*s, 1, since);
    bind_int(*s, 2, clamp_limit(limit));
    return m.read_orders(s);
  });
}

Result<std::vector<FillRecord>> Journal::fills_since(Timestamp since, std::size_t limit) {
  Impl& m = *impl_;
  return m.read<std::vector<FillRecord>>("read fills", [&] {
    Use s(m.stmt(Sql::fills_since));
    put(*s, 1, since);
    bind_int(*s, 2, clamp_limit(limit));
    return m.read_fills(s);
  });
}

Result<std::vector<AuditRecord>> Journal::audit_since(Timestamp since, std::size_t limit) {
  Impl& m = *impl_;
  return m.read<std::vector<AuditRecord>>("read audit", [&] {
    Use s(m.stmt(Sql::audit_since));
    put(*s, 1, since);
    bind_int(*s, 2, clamp_limit(limit));
    return m.rows<AuditRecord>(s, "audit", [](RowReader& r) {
      AuditRecord a;
      a.at = r.time(0);
      a.kind = r.text(1);
      a.text = r.text(2);
      const std::string fields = r.text(3);
      if (auto parsed = parse_fields(fields))
        a.fields = std::move(*parsed);
      else
        r.bad(3, fields, "not a JSON object of strings");
      return a;
    });
  });
}

Result<std::vector<ReconciliationRecord>> Journal::reconciliations(std::size_t limit) {
  Impl& m = *impl_;
  return m.read<std::vector<ReconciliationRecord>>("read reconciliations", [&] {
    Use s(m.stmt(Sql::reconciliations));
    bind_int(*s, 1, clamp_limit(limit));
    return m.rows<ReconciliationRecord>(s, "reconciliations", [](RowReader& r) {
      ReconciliationRecord rec;
      rec.at = r.time(0);
      rec.venue = r.venue(1);
      rec.worst = r.text(2);
      rec.trading_allowed = r.integer(3) != 0;
      rec.report_json = r.text(4);
      return rec;
    });
  });
}

Result<std::vector<CandleRecord>> Journal::candles(std::string_view canonical, Duration interval,
                                                   std::size_t limit) {
  Impl& m = *impl_;
  return m.read<std::vector<CandleRecord>>(
      "read candles", [&]() -> Result<std::vector<CandleRecord>> {
        Use s(m.stmt(Sql::candles));
        put(*s, 1, canonical);
        bind_int(*s, 2, static_cast<std::int64_t>(interval.count()));
        bind_int(*s, 3, clamp_limit(limit));
        auto out = m.rows<CandleRecord>(s, "candles", [](RowReader& r) {
          CandleRecord c;
          c.canonical = r.text(0);
          c.interval = Duration(r.integer(1));
          c.start = r.time(2);
          c.open = r.decimal(3);
          c.high = r.decimal(4);
          c.low = r.decimal(5);
          c.close = r.decimal(6);
          c.volume = r.decimal(7);
          return c;
        });
        if (out) std::reverse(out->begin(), out->end());  // the query reads newest first
        return out;
      });
}

Result<std::vector<ScreeningRecord>> Journal::latest_screening() {
  Impl& m = *impl_;
  const std::lock_guard lock(m.db_mu);
  if (auto f = m.flush_locked(); !f) return std::move(f).error();
  try {
    Use s(m.stmt(Sql::latest_screening));
    std::vector<ScreeningRecord> out;
    while (s->executeStep()) {
      RowReader r(*s, "screening", m.where);
      ScreeningRecord x;
      x.at = r.time(0);
      x.canonical = r.text(1);
      x.score = r.real(2);
      x.details_json = r.text(3);
      if (r.error) return *r.error;
      out.push_back(std::move(x));
    }
    return out;
  } catch (const std::exception& e) {
    return m.error(e, "read screening");
  }
}

std::uint64_t Journal::last_sequence() const {
  return impl_->last_sequence.load();
}

JournalStats Journal::stats() const {
  JournalStats s;
  s.intents = impl_->intents.load();
  s.flushes = impl_->flushes.load();
  s.written = impl_->written.load();
  s.failures = impl_->failures.load();
  s.intent_write = impl_->intent_write.snapshot();
  s.flush_time = impl_->flush_time.snapshot();
  {
    const std::lock_guard lock(impl_->q_mu);
    s.queued = impl_->queue.size();
  }
  return s;
}

}  // namespace nzeza::store
