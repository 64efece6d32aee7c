// nzeza actor runtime side of the like-for-like comparison with CAF (caf_actor_bench.cpp).

#include <memory>

#include "actor/actor.hpp"
#include "bench_support.hpp"
#include "core/clock.hpp"

namespace nzeza::bench {
namespace {

// Printed before the results (Google Benchmark context): what each case runs.
[[maybe_unused]] const bool kContextPrinted = [] {
  benchmark::AddCustomContext(
      "actor_bench",
      "ping_pong: 2 actors, 1 worker thread, " + std::to_string(kPingPongMessages) +
          " msgs/iteration (1 ball, or 64 balls in flight); fan_in: 4 producers -> 1 consumer, 2 "
          "worker threads, " +
          std::to_string(kFanInMessages) + " msgs/iteration, " + std::to_string(kFanInChunk) +
          " sends per producer turn; ask: 1 worker thread, " + std::to_string(kAskRoundTrips) +
          " round trips/iteration (msgs = 2 per round trip); cpu_s_per_M_msgs = process CPU "
          "(all threads) per million messages");
  return true;
}();

using actor::ActorContext;
using actor::ActorSystem;
using actor::ActorSystemOptions;
using actor::SpawnOptions;

// ---- ping-pong ----
struct Ball {
  std::int64_t left;
};
struct SetPeer;
using BouncerRef = actor::ActorRef<Ball, SetPeer>;
struct SetPeer {
  BouncerRef peer;
};
class Bouncer {
 public:
  using Messages = actor::Messages<Ball, SetPeer>;
  explicit Bouncer(Finish* f) : finish_(f) {}
  void on(SetPeer& m, ActorContext&) { peer_ = m.peer; }
  void on(Ball& b, ActorContext&) {
    if (b.left == 0) {
      finish_->signal();
    } else {
      (void)peer_.tell(Ball{b.left - 1});
    }
  }

 private:
  Finish* finish_;
  BouncerRef peer_;
};

void ping_pong(benchmark::State& state, std::int64_t balls) {
  SystemClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(1, "bench"));
  Finish finish;
  auto make = [&finish] { return std::make_unique<Bouncer>(&finish); };
  SpawnOptions oa = SpawnOptions::named("ping");
  SpawnOptions ob = SpawnOptions::named("pong");
  oa.mailbox.with_capacity(1024);
  ob.mailbox.with_capacity(1024);
  auto a = system.spawn<Bouncer>(oa, make).value();
  auto b = system.spawn<Bouncer>(ob, make).value();
  (void)a.tell(SetPeer{b});
  (void)b.tell(SetPeer{a});
  const std::int64_t per_ball = kPingPongMessages / balls;
  measure(state, per_ball * balls, [&] {
    finish.arm(balls);
    for (std::int64_t i = 0; i < balls; ++i) (void)a.tell(Ball{per_ball - 1});
    finish.wait();
  });
  system.shutdown(std::chrono::seconds(5));
  system.await_stopped(std::chrono::seconds(5));
}

void BM_nzeza_ping_pong_1_thread(benchmark::State& state) {
  ping_pong(state, 1);
}
void BM_nzeza_ping_pong_64_balls_1_thread(benchmark::State& state) {
  ping_pong(state, kPingPongBalls);
}

// ---- fan-in ----
struct Item {
  std::int32_t producer;
};
struct Expect {
  std::int64_t total;
};
class Consumer {
 public:
  using Messages = actor::Messages<Item, Expect>;
  explicit Consumer(Finish* f) : finish_(f) {}
  void on(Expect& e, ActorContext&) {
    target_ = e.total;
    seen_ = 0;
  }
  void on(Item&, ActorContext&) {
    if (++seen_ == target_) finish_->signal();
  }

 private:
  Finish* finish_;
  std::int64_t target_ = -1;
  std::int64_t seen_ = 0;
};
using ConsumerRef = actor::RefOf<Consumer>;
struct Produce;
using ProducerRef = actor::ActorRef<Produce>;
struct Produce {
  ProducerRef self;
  ConsumerRef to;
  std::int64_t left;
};
class Producer {
 public:
  using Messages = actor::Messages<Produce>;
  void on(Produce& p, ActorContext&) {
    const std::int64_t n = p.left < kFanInChunk ? p.left : kFanInChunk;
    for (std::int64_t i = 0; i < n; ++i) (void)p.to.tell(Item{0});
    if (p.left > n) (void)p.self.tell(Produce{p.self, p.to, p.left - n});  // yield, then go on
  }
};

void BM_nzeza_fan_in_4_producers_2_threads(benchmark::State& state) {
  SystemClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(2, "bench"));
  Finish finish;
  SpawnOptions oc = SpawnOptions::named("consumer");
  // CAF's mailboxes are unbounded; this one has room for a whole round (and the Expect).
  oc.mailbox.with_capacity(kFanInMessages + 16);
  auto consumer =
      system.spawn<Consumer>(oc, [&finish] { return std::make_unique<Consumer>(&finish); }).value();
  std::vector<ProducerRef> producers;
  for (int i = 0; i < kFanInProducers; ++i)
    producers.push_back(system
                            .spawn<Producer>(SpawnOptions::named("producer-" + std::to_string(i)),
                                             [] { return std::make_unique<Producer>(); })
                            .value());
  measure(state, kFanInMessages, [&] {
    finish.arm(1);
    (void)consumer.tell(Expect{kFanInMessages});
    for (auto& p : producers) (void)p.tell(Produce{p, consumer, kFanInMessages / kFanInProducers});
    finish.wait();
  });
  system.shutdown(std::chrono::seconds(5));
  system.await_stopped(std::chrono::seconds(5));
}

// ---- ask round trip ----
struct Query {
  using Reply = std::int32_t;
  std::int32_t v;
};
class Server {
 public:
  using Messages = actor::Messages<Query>;
  std::int32_t on(Query& q, ActorContext&) { return q.v + 1; }
};
using ServerRef = actor::RefOf<Server>;
struct RunAsks {
  ServerRef server;
  std::int64_t n;
  Duration timeout;
};
class Client {
 public:
  using Messages = actor::Messages<RunAsks>;
  explicit Client(Finish* f) : finish_(f) {}
  void on(RunAsks& r, ActorContext& ctx) {
    server_ = r.server;
    left_ = r.n;
    timeout_ = r.timeout;
    next(ctx);
  }

 private:
  void next(ActorContext& ctx) {
    ctx.ask(server_, Query{1}, timeout_, [this, &ctx](Result<std::int32_t> r) {
      if (!r.ok() || --left_ == 0) {
        finish_->signal();
      } else {
        next(ctx);
      }
    });
  }
  Finish* finish_;
  ServerRef server_;
  std::int64_t left_ = 0;
  Duration timeout_{};
};

void ask_round_trip(benchmark::State& state, Duration timeout) {
  SystemClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(1, "bench"));
  Finish finish;
  auto server =
      system.spawn<Server>(SpawnOptions::named("server"), [] { return std::make_unique<Server>(); })
          .value();
  auto client = system
                    .spawn<Client>(SpawnOptions::named("client"),
                                   [&finish] { return std::make_unique<Client>(&finish); })
                    .value();
  measure(state, 2 * kAskRoundTrips, [&] {  // a request and a reply per round trip
    finish.arm(1);
    (void)client.tell(RunAsks{server, kAskRoundTrips, timeout});
    finish.wait();
  });
  state.counters["round_trips_per_s"] = benchmark::Counter(
      static_cast<double>(kAskRoundTrips) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  system.shutdown(std::chrono::seconds(5));
  system.await_stopped(std::chrono::seconds(5));
}

void BM_nzeza_ask_round_trip_1_thread(benchmark::State& state) {
  ask_round_trip(state, actor::kNoTimeout);
}
void BM_nzeza_ask_round_trip_with_1s_timeout_1_thread(benchmark::State& state) {
  ask_round_trip(state, std::chrono::seconds(1));
}

}  // namespace

BENCHMARK(BM_nzeza_ping_pong_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_nzeza_ping_pong_64_balls_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_nzeza_fan_in_4_producers_2_threads)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_nzeza_ask_round_trip_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_nzeza_ask_round_trip_with_1s_timeout_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace nzeza::bench
