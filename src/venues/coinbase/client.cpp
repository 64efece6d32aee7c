#include "venues/coinbase/client.hpp"

#include <algorithm>
#include <set>

#include "net/url.hpp"
#include "venues/candle_history.hpp"
#include "venues/coinbase/rest_codec.hpp"
#include "venues/percent_encoding.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::coinbase {
namespace {

constexpr std::string_view kPrivate = "private";
constexpr std::string_view kPublic = "public";
constexpr std::size_t kCancelBatch = 100;

// The same error (code, delivery, venue code and text kept), its message prefixed with where it
// happened.
Error with_operation(const Error& e, std::string_view operation) {
  return venue_error(Venue::coinbase, operation, e);
}

// A 2xx answer (or a part of it) the codec could not read: the venue answered, so it processed
// something, and we cannot tell what — the request may have executed (Delivery::answer_cut).
Error unreadable(const Error& e, std::string_view operation) {
  return with_operation(e, operation).with_delivery(Delivery::answer_cut);
}

// An answer read by `parse` (its body → Result<T>): the transport's error as it is (its delivery
// kept), the reader's refusal as unreadable.
template <typename Parse>
auto read_answer(Result<net::HttpResponse>& r, std::string_view operation, Parse parse)
    -> decltype(parse(r->body)) {
  if (!r) return std::move(r).error();
  auto parsed = parse(r->body);
  if (!parsed) return unreadable(parsed.error(), operation);
  return parsed;
}

// "place nz-1", "cancel 7f3c… (client order id nz-1)": every place/cancel/amend failure names the
// client order id when we know it, so the caller can ask the venue about it.
std::string naming(std::string_view verb, const std::string& venue_order_id,
                   const std::string& client_order_id) {
  std::string out = std::string(verb) + " " + venue_order_id;
  if (!client_order_id.empty() && client_order_id != venue_order_id)
    out += " (client order id " + client_order_id + ")";
  return out;
}

}  // namespace

std::vector<net::BucketConfig> rate_limit_buckets() {
  // 30/s private per key, 10/s public per IP, counted per second by Coinbase: half a second's
  // burst + the full refill never exceeds the limit in any one-second window.
  return {{"private", 15, 15}, {"public", 5, 5}};
}

Status configure_rate_limits(net::RateLimiter& limiter) {
  if (auto s = limiter.add_endpoint(std::string(kPrivate), {{"private", 1}}); !s) return s;
  return limiter.add_endpoint(std::string(kPublic), {{"public", 1}});
}

struct CoinbaseClient::Request {
  std::string operation;
  std::string method;
  std::string path;  // after the api prefix, with the query
  std::string body;
  bool is_public = false;
  RawCallback done;
};

struct CoinbaseClient::Shared {
  std::mutex mu;
  bool alive = true;
  std::set<TimerId> timers;
};

CoinbaseClient::CoinbaseClient(net::NetContext& net, Clock& clock,
                               const InstrumentRegistry& registry, JwtSigner signer,
                               CoinbaseConfig config)
    : clock_(clock),
      registry_(registry),
      signer_(std::move(signer)),
      config_(std::move(config)),
      limiter_(clock, rate_limit_buckets(),
               net::RateLimiterOptions{"coinbase", config_.max_rate_wait}),
      shared_(std::make_shared<Shared>()) {
  auto url = net::parse_url(config_.base_url);
  if (!url) {
    init_status_ = venue_error(ErrorCode::invalid_argument, Venue::coinbase, "configuration",
                               url.error().message);
  } else {
    host_ = url->host_header();
    origin_ = url->scheme + "://" + url->authority();
  }
  if (auto s = configure_rate_limits(limiter_); !s && init_status_) init_status_ = s;
  net::HttpClientConfig http;
  http.tls = config_.tls;
  http.request_timeout = config_.request_timeout;
  http.user_agent = "nzeza-coinbase";
  http_ = std::make_unique<net::HttpClient>(net, clock, std::move(http));
}

CoinbaseClient::~CoinbaseClient() {
  stream_.reset();
  std::set<TimerId> timers;
  {
    std::lock_guard lock(shared_->mu);
    shared_->alive = false;
    timers.swap(shared_->timers);
  }
  // A cancelled timer drops its request, whose Completion then reports `cancelled`.
  for (const TimerId id : timers) clock_.cancel(id);
  http_.reset();
}

VenueCapabilities CoinbaseClient::capabilities() const noexcept {
  VenueCapabilities c;
  c.amend = true;
  c.dead_man_switch = false;
  c.positions = false;
  c.private_stream = stream_ != nullptr;
  c.status_by_client_id = true;
  c.cancel_by_client_id = true;
  c.stop_market = false;         // no stop-market configuration: place() refuses `stop`
  c.stop_limit = true;           // order_configuration stop_limit_stop_limit_gtc
  c.take_profit_market = false;  // only inside trigger_bracket_*, which place() does not send
  return c;
}

RequestValidity CoinbaseClient::request_validity() const noexcept {
  return RequestValidity{std::chrono::seconds(kJwtLifetimeSeconds), 2s};
}

void CoinbaseClient::remember(const std::string& venue_order_id,
                              const std::string& client_order_id) {
  if (venue_order_id.empty() || client_order_id.empty()) return;
  std::lock_guard lock(ids_mu_);
  client_ids_[venue_order_id] = client_order_id;
}

std::string CoinbaseClient::client_id_of(const std::string& venue_order_id) const {
  std::lock_guard lock(ids_mu_);
  const auto it = client_ids_.find(venue_order_id);
  return it == client_ids_.end() ? std::string() : it->second;
}

Result<std::string> CoinbaseClient::product_of(InstrumentId id, std::string_view operation) const {
  const Instrument* ins = registry_.get(id);
  if (ins == nullptr || ins->venue != Venue::coinbase)
    return venue_error(ErrorCode::not_found, Venue::coinbase, operation,
                       "instrument is not a coinbase product in the registry");
  return ins->venue_symbol;
}

// ---- transport -------------------------------------------------------------------------------

void CoinbaseClient::send(std::string operation, std::string method, std::string path_and_query,
                          std::string body, bool is_public, RawCallback done) {
  if (!init_status_) {
    done(init_status_.error());
    return;
  }
  auto request = std::make_shared<Request>(Request{std::move(operation), std::move(method),
                                                   std::move(path_and_query), std::move(body),
                                                   is_public, std::move(done)});
  auto wait = limiter_.reserve(is_public ? kPublic : kPrivate);
  if (!wait) {
    request->done(with_operation(wait.error(), request->operation));
    return;
  }
  if (wait->count() <= 0) {
    dispatch(request);
    return;
  }
  std::weak_ptr<Shared> weak = shared_;
  auto id = std::make_shared<TimerId>();
  const TimerId timer = clock_.schedule_after(*wait, [this, weak, request, id] {
    auto shared = weak.lock();
    if (!shared) return;
    std::lock_guard lock(shared->mu);  // held while sending: the destructor waits for it
    if (!shared->alive) return;
    shared->timers.erase(*id);
    dispatch(request);
  });
  std::lock_guard lock(shared_->mu);
  *id = timer;
  shared_->timers.insert(timer);
}

void CoinbaseClient::dispatch(const std::shared_ptr<Request>& request) {
  net::HttpRequest r;
  r.method = request->method;
  const std::string path = config_.api_prefix + request->path;
  r.url = origin_ + path;
  r.body = request->body;
  r.timeout = config_.request_timeout;
  r.headers.push_back({"Accept", "application/json"});
  if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
  if (!request->is_public) {
    auto jwt = signer_.sign(jwt_uri(r.method, host_, path), clock_.now().seconds());
    if (!jwt) {
      request->done(with_operation(jwt.error(), request->operation));
      return;
    }
    r.headers.push_back({"Authorization", "Bearer " + *jwt});
  }
  http_->async_request(std::move(r), [this, request](Result<net::HttpResponse> response) {
    if (!response) {
      request->done(with_operation(response.error(), request->operation));
      return;
    }
    if (!response->success()) {
      request->done(classify_http(request->operation, *response));
      return;
    }
    request->done(std::move(response));
  });
}

Error CoinbaseClient::classify_http(const std::string& operation,
                                    const net::HttpResponse& response) {
  const unsigned status = response.status;
  if (status == 429) {
    const Duration wait = response.retry_after(clock_.now()).value_or(1s);
    limiter_.on_retry_after(wait);
  }
  // The transport's reading of the status, delivery included: a 5xx or a 408 is answer_unknown
  // (the request may have executed). Coinbase documents no body code that turns a 5xx into "not
  // processed" (docs/errors/coinbase.md), so that delivery is always kept.
  Error base(ErrorCode::rejected, {});
  if (auto checked = response.check(); !checked) base = checked.error();
  ErrorCode code = base.code;
  if (status == 404) code = ErrorCode::not_found;
  const auto refusal = parse_error_body(response.body);
  if (refusal && status == 400 && refusal->code != ErrorCode::rejected) code = refusal->code;
  std::string venue_code =
      refusal && !refusal->venue_code.empty() ? refusal->venue_code : std::to_string(status);
  std::string venue_text =
      refusal ? refusal->venue_text
              : response.body.substr(0, std::min<std::size_t>(512, response.body.size()));
  Error e = venue_error(code, Venue::coinbase, operation,
                        "HTTP " + std::to_string(status) + " " + response.reason,
                        std::move(venue_code), std::move(venue_text));
  return std::move(e).with_delivery(base.delivery);
}

// ---- orders ----------------------------------------------------------------------------------

void CoinbaseClient::place(const domain::OrderSpec& order, Callback<PlaceAck> callback) {
  const std::string cid = order.client_order_id.text;
  Completion<PlaceAck> done(std::move(callback), "coinbase place " + cid);
  if (order.venue != Venue::coinbase || order.client_order_id.venue != Venue::coinbase) {
    done.complete(venue_error(ErrorCode::invalid_argument, Venue::coinbase, "place " + cid,
                              "the order or its client id is not for coinbase"));
    return;
  }
  if (auto valid = domain::validate(order); !valid) {
    done.complete(with_operation(valid.error(), "place " + cid));
    return;
  }
  const auto product = product_of(order.instrument, "place " + cid);
  if (!product) {
    done.complete(product.error());
    return;
  }
  auto body = order_request_body(order, *product);
  if (!body) {
    done.complete(body.error());
    return;
  }
  send("place " + cid, "POST", "/orders", std::move(body).value(), false,
       [this, done, cid](Result<net::HttpResponse> r) {
         auto answer = read_answer(r, "place " + cid, parse_create_order);
         if (!answer) {
           done.complete(answer.error());
           return;
         }
         if (!answer->success) {
           // success:false — "Whether the order was created": it was not. A documented refusal,
           // built fresh (Delivery::none): docs/errors/coinbase.md.
           const auto& f = answer->refusal;
           done.complete(venue_error(f.code, Venue::coinbase, "place " + cid,
                                     "refused: " + f.venue_code, f.venue_code, f.venue_text));
           return;
         }
         if (!answer->client_order_id.empty() && answer->client_order_id != cid) {
           done.complete(
               venue_error(ErrorCode::protocol, Venue::coinbase, "place " + cid,
                           "answer names client order id '" + answer->client_order_id + "'")
                   .with_delivery(Delivery::answer_cut));
           return;
         }
         remember(answer->order_id, cid);
         PlaceAck ack;
         ack.venue_order_id = answer->order_id;
         ack.client_order_id = cid;
         ack.at = clock_.now();
         ack.report.status = domain::VenueOrderStatus::open;
         ack.report.venue_order_id = answer->order_id;
         ack.report.at = ack.at;
         done.complete(std::move(ack));
       });
}

void CoinbaseClient::cancel(const OrderRef& order, Callback<CancelAck> callback) {
  const std::string what =
      order.venue_order_id.empty() ? order.client_order_id : order.venue_order_id;
  Completion<CancelAck> done(
      std::move(callback),
      "coinbase " + naming("cancel", what,
                           order.client_order_id.empty() && !order.venue_order_id.empty()
                               ? client_id_of(order.venue_order_id)
                               : order.client_order_id));
  if (order.venue_order_id.empty()) {
    if (order.client_order_id.empty()) {
      done.complete(venue_error(ErrorCode::invalid_argument, Venue::coinbase, "cancel",
                                "neither a venue nor a client order id"));
      return;
    }
    // Coinbase cancels by order id only: find it by the client id first.
    order_status(order, [this, done, order](Result<VenueOrder> found) {
      if (!found) {
        done.complete(std::move(found).error());
        return;
      }
      OrderRef by_id = order;
      by_id.venue_order_id = found->report.venue_order_id;
      cancel(by_id, [done](Result<CancelAck> r) { done.complete(std::move(r)); });
    });
    return;
  }
  const std::string id = order.venue_order_id;
  const std::string cid = order.client_order_id.empty() ? client_id_of(id) : order.client_order_id;
  const std::string op = naming("cancel", id, cid);
  send(op, "POST", "/orders/batch_cancel", cancel_request_body({id}), false,
       [this, done, id, cid, op](Result<net::HttpResponse> r) {
         auto results = read_answer(r, op, parse_cancel_results);
         if (!results) {
           done.complete(results.error());
           return;
         }
         const auto it = std::find_if(results->begin(), results->end(),
                                      [&](const CancelResult& c) { return c.order_id == id; });
         if (it == results->end()) {
           done.complete(venue_error(ErrorCode::protocol, Venue::coinbase, op,
                                     "answer has no result for this order")
                             .with_delivery(Delivery::answer_cut));
           return;
         }
         if (!it->success) {
           // results[].success false: the cancel was not submitted (docs/errors/coinbase.md).
           const ErrorCode code = it->failure_reason == "UNKNOWN_CANCEL_ORDER"
                                      ? ErrorCode::not_found
                                      : ErrorCode::rejected;
           done.complete(venue_error(code, Venue::coinbase, op, "refused: " + it->failure_reason,
                                     it->failure_reason, it->failure_reason));
           return;
         }
         CancelAck ack;
         ack.venue_order_id = id;
         ack.client_order_id = cid;
         ack.report.status = domain::VenueOrderStatus::cancelled;
         ack.report.venue_order_id = id;
         ack.report.at = clock_.now();
         done.complete(std::move(ack));
       });
}

void CoinbaseClient::cancel_ids(std::vector<std::string> ids, std::shared_ptr<CancelAllAck> acc,
                                Completion<CancelAllAck> done) {
  if (ids.empty()) {
    done.complete(std::move(*acc));
    return;
  }
  const std::size_t n = std::min(kCancelBatch, ids.size());
  std::vector<std::string> batch(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
  ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
  send("cancel_all", "POST", "/orders/batch_cancel", cancel_request_body(batch), false,
       [this, ids = std::move(ids), acc, done](Result<net::HttpResponse> r) mutable {
         auto results = read_answer(r, "cancel_all", parse_cancel_results);
         if (!results) {
           done.complete(results.error());
           return;
         }
         for (const auto& c : *results) {
           if (!c.success) continue;
           CancelAck ack;
           ack.venue_order_id = c.order_id;
           ack.client_order_id = client_id_of(c.order_id);
           ack.report.status = domain::VenueOrderStatus::cancelled;
           ack.report.venue_order_id = c.order_id;
           ack.report.at = clock_.now();
           acc->cancelled.push_back(std::move(ack));
         }
         cancel_ids(std::move(ids), acc, done);
       });
}

void CoinbaseClient::cancel_all(std::optional<InstrumentId> instrument,
                                Callback<CancelAllAck> callback) {
  Completion<CancelAllAck> done(std::move(callback), "coinbase cancel_all");
  open_orders(instrument, [this, done](Result<std::vector<VenueOrder>> open) {
    if (!open) {
      done.complete(std::move(open).error());
      return;
    }
    std::vector<std::string> ids;
    for (const auto& o : *open) {
      remember(o.report.venue_order_id, o.client_order_id);
      ids.push_back(o.report.venue_order_id);
    }
    cancel_ids(std::move(ids), std::make_shared<CancelAllAck>(), done);
  });
}

void CoinbaseClient::amend(const AmendRequest& request, Callback<PlaceAck> callback) {
  Completion<PlaceAck> done(std::move(callback), "coinbase amend");
  if (!request.price && !request.quantity) {
    done.complete(venue_error(ErrorCode::invalid_argument, Venue::coinbase, "amend",
                              "neither a new price nor a new size"));
    return;
  }
  if (request.order.venue_order_id.empty()) {
    order_status(request.order, [this, done, request](Result<VenueOrder> found) {
      if (!found) {
        done.complete(std::move(found).error());
        return;
      }
      AmendRequest by_id = request;
      by_id.order.venue_order_id = found->report.venue_order_id;
      amend(by_id, [done](Result<PlaceAck> r) { done.complete(std::move(r)); });
    });
    return;
  }
  const std::string id = request.order.venue_order_id;
  const std::string cid =
      request.order.client_order_id.empty() ? client_id_of(id) : request.order.client_order_id;
  const std::string op = naming("amend", id, cid);
  send(op, "POST", "/orders/edit", edit_request_body(id, request.price, request.quantity), false,
       [this, done, id, cid, op](Result<net::HttpResponse> r) {
         auto refusal = read_answer(r, op, parse_edit);
         if (!refusal) {
           done.complete(refusal.error());
           return;
         }
         if (*refusal) {
           const auto& f = **refusal;
           done.complete(venue_error(f.code, Venue::coinbase, op, "refused: " + f.venue_code,
                                     f.venue_code, f.venue_text));
           return;
         }
         PlaceAck ack;
         ack.venue_order_id = id;
         ack.client_order_id = cid;
         ack.at = clock_.now();
         ack.report.status = domain::VenueOrderStatus::open;
         ack.report.venue_order_id = id;
         ack.report.at = ack.at;
         done.complete(std::move(ack));
       });
}

// ---- queries ---------------------------------------------------------------------------------

void CoinbaseClient::list_orders_paged(std::string operation, std::string query, std::string cursor,
                                       int page, std::shared_ptr<std::vector<VenueOrder>> acc,
                                       std::function<bool(const VenueOrder&)> stop_when,
                                       Completion<std::vector<VenueOrder>> done) {
  std::string path = "/orders/historical/batch?limit=" + std::to_string(config_.page_limit) + query;
  if (!cursor.empty()) path += "&cursor=" + percent_encode(cursor);
  send(operation, "GET", std::move(path), {}, false,
       [this, operation, query, page, acc, stop_when, done](Result<net::HttpResponse> r) {
         auto parsed = read_answer(r, operation, [this](std::string_view body) {
           return parse_orders_page(body, registry_);
         });
         if (!parsed) {
           done.complete(parsed.error());
           return;
         }
         for (auto& o : parsed->items) {
           remember(o.report.venue_order_id, o.client_order_id);
           const bool stop = stop_when && stop_when(o);
           acc->push_back(std::move(o));
           if (stop) {
             done.complete(std::move(*acc));
             return;
           }
         }
         if (!parsed->has_next || parsed->cursor.empty()) {
           done.complete(std::move(*acc));
           return;
         }
         if (page + 1 >= config_.max_pages) {
           done.complete(
               venue_error(ErrorCode::unavailable, Venue::coinbase, operation,
                           "more than " + std::to_string(config_.max_pages) + " pages of orders"));
           return;
         }
         list_orders_paged(operation, query, parsed->cursor, page + 1, acc, stop_when, done);
       });
}

void CoinbaseClient::order_status(const OrderRef& order, Callback<VenueOrder> callback) {
  const std::string what =
      order.venue_order_id.empty() ? order.client_order_id : order.venue_order_id;
  Completion<VenueOrder> done(std::move(callback), "coinbase order_status " + what);
  if (!order.venue_order_id.empty()) {
    const std::string id = order.venue_order_id;
    send("order_status " + id, "GET", "/orders/historical/" + percent_encode(id), {}, false,
         [this, done, id](Result<net::HttpResponse> r) {
           auto parsed = read_answer(r, "order_status " + id, [this](std::string_view body) {
             return parse_order(body, registry_);
           });
           if (!parsed) {
             done.complete(parsed.error());
             return;
           }
           remember(parsed->report.venue_order_id, parsed->client_order_id);
           done.complete(std::move(parsed));
         });
    return;
  }
  if (order.client_order_id.empty()) {
    done.complete(venue_error(ErrorCode::invalid_argument, Venue::coinbase, "order_status",
                              "neither a venue nor a client order id"));
    return;
  }
  const std::string cid = order.client_order_id;
  std::string query;
  if (order.instrument.valid()) {
    if (const auto product = product_of(order.instrument, {}))
      query = "&product_ids=" + percent_encode(*product);
  }
  list_orders_paged(
      "order_status " + cid, std::move(query), {}, 0, std::make_shared<std::vector<VenueOrder>>(),
      [cid](const VenueOrder& o) { return o.client_order_id == cid; },
      Completion<std::vector<VenueOrder>>(
          [done, cid](Result<std::vector<VenueOrder>> r) {
            if (!r) {
              done.complete(std::move(r).error());
              return;
            }
            if (!r->empty() && r->back().client_order_id == cid) {
              done.complete(std::move(r->back()));
              return;
            }
            done.complete(venue_error(ErrorCode::not_found, Venue::coinbase, "order_status " + cid,
                                      "no order with this client order id"));
          },
          "coinbase order_status " + cid));
}

void CoinbaseClient::open_orders(std::optional<InstrumentId> instrument,
                                 Callback<std::vector<VenueOrder>> callback) {
  Completion<std::vector<VenueOrder>> done(std::move(callback), "coinbase open_orders");
  std::string query = "&order_status=OPEN";
  if (instrument) {
    const auto product = product_of(*instrument, "open_orders");
    if (!product) {
      done.complete(product.error());
      return;
    }
    query += "&product_ids=" + percent_encode(*product);
  }
  list_orders_paged("open_orders", std::move(query), {}, 0,
                    std::make_shared<std::vector<VenueOrder>>(), nullptr, std::move(done));
}

void CoinbaseClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                 Callback<std::vector<domain::Fill>> callback) {
  Completion<std::vector<domain::Fill>> done(std::move(callback), "coinbase fills_since");
  std::string query = "&start_sequence_timestamp=" + percent_encode(since.to_iso8601());
  if (instrument) {
    const auto product = product_of(*instrument, "fills_since");
    if (!product) {
      done.complete(product.error());
      return;
    }
    query += "&product_ids=" + percent_encode(*product);
  }
  auto acc = std::make_shared<std::vector<domain::Fill>>();
  auto step = std::make_shared<std::function<void(std::string, int)>>();
  std::weak_ptr<std::function<void(std::string, int)>> weak_step = step;
  *step = [this, done, query, since, acc, weak_step](std::string cursor, int page) {
    std::string path =
        "/orders/historical/fills?limit=" + std::to_string(config_.page_limit) + query;
    if (!cursor.empty()) path += "&cursor=" + percent_encode(cursor);
    auto self = weak_step.lock();
    send("fills_since", "GET", std::move(path), {}, false,
         [this, done, since, acc, page, self](Result<net::HttpResponse> r) {
           auto parsed = read_answer(r, "fills_since", [this](std::string_view body) {
             return parse_fills_page(body, registry_);
           });
           if (!parsed) {
             done.complete(parsed.error());
             return;
           }
           for (auto& row : parsed->items) {
             if (row.fill.time < since) continue;
             row.fill.client_order_id = client_id_of(row.order_id);
             acc->push_back(std::move(row.fill));
           }
           if (parsed->cursor.empty() || !parsed->has_next || parsed->items.empty()) {
             // The venue lists newest first: reverse, then order by time (ties keep the
             // venue's sequence).
             std::reverse(acc->begin(), acc->end());
             std::stable_sort(
                 acc->begin(), acc->end(),
                 [](const domain::Fill& a, const domain::Fill& b) { return a.time < b.time; });
             done.complete(std::move(*acc));
             return;
           }
           if (page + 1 >= config_.max_pages) {
             done.complete(
                 venue_error(ErrorCode::unavailable, Venue::coinbase, "fills_since",
                             "more than " + std::to_string(config_.max_pages) + " pages of fills"));
             return;
           }
           (*self)(parsed->cursor, page + 1);
         });
  };
  (*step)({}, 0);
}

void CoinbaseClient::fills_of_order(const std::string& venue_order_id,
                                    Callback<std::vector<domain::Fill>> callback) {
  Completion<std::vector<domain::Fill>> done(std::move(callback),
                                             "coinbase fills of " + venue_order_id);
  std::string path = "/orders/historical/fills?limit=" + std::to_string(config_.page_limit) +
                     "&order_ids=" + percent_encode(venue_order_id);
  send("fills " + venue_order_id, "GET", std::move(path), {}, false,
       [this, done, venue_order_id](Result<net::HttpResponse> r) {
         auto parsed = read_answer(r, "fills " + venue_order_id, [this](std::string_view body) {
           return parse_fills_page(body, registry_);
         });
         if (!parsed) {
           done.complete(parsed.error());
           return;
         }
         std::vector<domain::Fill> out;
         for (auto it = parsed->items.rbegin(); it != parsed->items.rend(); ++it) {
           it->fill.client_order_id = client_id_of(it->order_id);
           out.push_back(std::move(it->fill));
         }
         std::stable_sort(out.begin(), out.end(), [](const domain::Fill& a, const domain::Fill& b) {
           return a.time < b.time;
         });
         done.complete(std::move(out));
       });
}

void CoinbaseClient::balances(Callback<std::vector<domain::Balance>> callback) {
  Completion<std::vector<domain::Balance>> done(std::move(callback), "coinbase balances");
  struct Acc {
    std::vector<std::string> order;
    std::map<std::string, std::pair<Decimal, Decimal>> sums;
  };
  auto acc = std::make_shared<Acc>();
  auto step = std::make_shared<std::function<void(std::string, int)>>();
  std::weak_ptr<std::function<void(std::string, int)>> weak_step = step;
  *step = [this, done, acc, weak_step](std::string cursor, int page) {
    std::string path = "/accounts?limit=" + std::to_string(config_.page_limit);
    if (!cursor.empty()) path += "&cursor=" + percent_encode(cursor);
    auto self = weak_step.lock();
    send("balances", "GET", std::move(path), {}, false,
         [this, done, acc, page, self](Result<net::HttpResponse> r) {
           auto parsed = read_answer(r, "balances", parse_accounts_page);
           if (!parsed) {
             done.complete(parsed.error());
             return;
           }
           for (const auto& row : parsed->items) {
             auto [it, fresh] =
                 acc->sums.try_emplace(row.currency, Decimal::zero(), Decimal::zero());
             if (fresh) acc->order.push_back(row.currency);
             auto a = it->second.first.checked_add(row.available);
             auto h = it->second.second.checked_add(row.hold);
             if (!a || !h) {
               done.complete(venue_error(ErrorCode::overflow, Venue::coinbase, "balances",
                                         "sum of " + row.currency + " accounts overflows"));
               return;
             }
             it->second = {*a, *h};
           }
           if (parsed->has_next && !parsed->cursor.empty()) {
             if (page + 1 >= config_.max_pages) {
               done.complete(venue_error(ErrorCode::unavailable, Venue::coinbase, "balances",
                                         "too many pages of accounts"));
               return;
             }
             (*self)(parsed->cursor, page + 1);
             return;
           }
           std::vector<domain::Balance> out;
           for (const auto& currency : acc->order) {
             const auto& [available, hold] = acc->sums.at(currency);
             auto b = domain::Balance::create(currency, available, hold);
             if (!b) {
               done.complete(venue_error(ErrorCode::protocol, Venue::coinbase, "balances",
                                         b.error().message));
               return;
             }
             out.push_back(std::move(b).value());
           }
           done.complete(std::move(out));
         });
  };
  (*step)({}, 0);
}

void CoinbaseClient::load_instruments(Callback<std::vector<Instrument>> callback) {
  Completion<std::vector<Instrument>> done(std::move(callback), "coinbase load_instruments");
  std::string path = "/products?product_type=SPOT";
  for (const auto& s : config_.symbols) path += "&product_ids=" + percent_encode(s);
  send("load_instruments", "GET", std::move(path), {}, false,
       [this, done](Result<net::HttpResponse> r) {
         auto parsed = read_answer(r, "load_instruments", [this](std::string_view body) {
           return parse_products(body, registry_);
         });
         if (!parsed) {
           done.complete(parsed.error());
           return;
         }
         if (config_.symbols.empty()) {
           done.complete(std::move(parsed));
           return;
         }
         std::vector<Instrument> wanted;
         for (auto& ins : *parsed)
           if (std::find(config_.symbols.begin(), config_.symbols.end(), ins.venue_symbol) !=
               config_.symbols.end())
             wanted.push_back(std::move(ins));
         done.complete(std::move(wanted));
       });
}

void CoinbaseClient::server_time(Callback<Timestamp> callback) {
  Completion<Timestamp> done(std::move(callback), "coinbase server_time");
  send("server_time", "GET", "/time", {}, true, [done](Result<net::HttpResponse> r) {
    auto t = read_answer(r, "server_time", parse_server_time);
    if (!t) {
      done.complete(t.error());
      return;
    }
    done.complete(*t);
  });
}

namespace {
constexpr history::CandleInterval kGranularities[] = {
    {std::chrono::minutes(1), "ONE_MINUTE"},      {std::chrono::minutes(5), "FIVE_MINUTE"},
    {std::chrono::minutes(15), "FIFTEEN_MINUTE"}, {std::chrono::minutes(30), "THIRTY_MINUTE"},
    {std::chrono::hours(1), "ONE_HOUR"},          {std::chrono::hours(2), "TWO_HOUR"},
    {std::chrono::hours(4), "FOUR_HOUR"},         {std::chrono::hours(6), "SIX_HOUR"},
    {std::chrono::hours(24), "ONE_DAY"}};
constexpr std::size_t kCandlesPerRequest = 350;  // "By default, returns 350 (max 350)"
}  // namespace

void CoinbaseClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                             Callback<std::vector<market::Candle>> callback) {
  Completion<std::vector<market::Candle>> done(std::move(callback), "coinbase candles");
  const auto found = product_of(instrument, "candles");
  if (!found) return (void)done.complete(found.error());
  const std::string product = *found;
  const std::string op = "candles " + product;
  auto wire = history::wire_interval("Coinbase", kGranularities, interval);
  if (!wire) return (void)done.complete(with_operation(wire.error(), op));
  if (count > history::kMaxPagedCandles)
    return (void)done.complete(venue_error(ErrorCode::invalid_argument, Venue::coinbase, op,
                                           std::to_string(count) + " candles asked; at most " +
                                               std::to_string(history::kMaxPagedCandles) +
                                               " per call (pages of 350)"));
  const std::string label = op + " " + std::string(*wire);
  history::fetch_last(
      clock_.now().floor_to(interval), interval, count, kCandlesPerRequest,
      [this, product, label, wire = std::string(*wire), interval](const history::Window& w,
                                                                  history::CandlesDone page) {
        std::string path = "/market/products/" + percent_encode(product) +
                           "/candles?start=" + std::to_string(w.from.seconds()) +
                           "&end=" + std::to_string(w.to.seconds() - 1) + "&granularity=" + wire +
                           "&limit=" + std::to_string(w.limit);
        send(label, "GET", std::move(path), {}, true,
             [this, page = std::move(page), label, interval](Result<net::HttpResponse> r) {
               if (!r) return page(std::move(r).error());
               auto candles = parse_candles(r->body, interval, clock_.now());
               if (!candles) return page(unreadable(candles.error(), label));
               page(std::move(candles));
             });
      },
      [done](Result<std::vector<market::Candle>> r) { done.complete(std::move(r)); });
}

}  // namespace nzeza::venues::coinbase
