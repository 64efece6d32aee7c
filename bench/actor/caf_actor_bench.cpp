// CAF 0.17 side of the like-for-like comparison: the same actors, messages per iteration,
// scheduler threads and completion latch as nzeza_actor_bench.cpp.

#include <caf/all.hpp>
#include <functional>
#include <memory>

#include "bench_support.hpp"

namespace nzeza::bench {
namespace {

std::unique_ptr<caf::actor_system_config> config(std::size_t threads) {
  auto cfg = std::make_unique<caf::actor_system_config>();
  cfg->set("scheduler.max-threads", threads);
  return cfg;
}

// ---- ping-pong ----
caf::behavior bouncer(caf::event_based_actor* self, Finish* finish) {
  auto peer = std::make_shared<caf::actor>();
  return {
      [=](caf::actor p) { *peer = std::move(p); },
      [=](std::int64_t left) {
        if (left == 0) {
          finish->signal();
        } else {
          self->send(*peer, left - 1);
        }
      },
  };
}

void ping_pong(benchmark::State& state, std::int64_t balls) {
  auto cfg = config(1);
  caf::actor_system system{*cfg};
  Finish finish;
  auto a = system.spawn(bouncer, &finish);
  auto b = system.spawn(bouncer, &finish);
  caf::anon_send(a, b);
  caf::anon_send(b, a);
  const std::int64_t per_ball = kPingPongMessages / balls;
  measure(state, per_ball * balls, [&] {
    finish.arm(balls);
    for (std::int64_t i = 0; i < balls; ++i) caf::anon_send(a, per_ball - 1);
    finish.wait();
  });
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
}

void BM_caf_ping_pong_1_thread(benchmark::State& state) {
  ping_pong(state, 1);
}
void BM_caf_ping_pong_64_balls_1_thread(benchmark::State& state) {
  ping_pong(state, kPingPongBalls);
}

// ---- fan-in ----
caf::behavior consumer(caf::event_based_actor*, Finish* finish) {
  auto target = std::make_shared<std::int64_t>(-1);
  auto seen = std::make_shared<std::int64_t>(0);
  return {
      [=](std::int64_t total) {
        *target = total;
        *seen = 0;
      },
      [=](std::int32_t) {
        if (++*seen == *target) finish->signal();
      },
  };
}
caf::behavior producer(caf::event_based_actor* self) {
  return {
      [=](caf::actor to, std::int64_t left) {
        const std::int64_t n = left < kFanInChunk ? left : kFanInChunk;
        for (std::int64_t i = 0; i < n; ++i) self->send(to, std::int32_t{0});
        if (left > n) self->send(self, to, left - n);  // yield, then go on
      },
  };
}

void BM_caf_fan_in_4_producers_2_threads(benchmark::State& state) {
  auto cfg = config(2);
  caf::actor_system system{*cfg};
  Finish finish;
  auto sink = system.spawn(consumer, &finish);
  std::vector<caf::actor> producers;
  for (int i = 0; i < kFanInProducers; ++i) producers.push_back(system.spawn(producer));
  measure(state, kFanInMessages, [&] {
    finish.arm(1);
    caf::anon_send(sink, kFanInMessages);
    for (auto& p : producers) caf::anon_send(p, sink, kFanInMessages / kFanInProducers);
    finish.wait();
  });
  for (auto& p : producers) caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
}

// ---- ask round trip ----
caf::behavior server(caf::event_based_actor*) {
  return {[](std::int32_t v) { return v + 1; }};
}
caf::behavior client(caf::event_based_actor* self, Finish* finish, caf::actor srv,
                     caf::duration timeout) {
  auto left = std::make_shared<std::int64_t>(0);
  auto next = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_next = next;
  *next = [=] {
    self->request(srv, timeout, std::int32_t{1}).then([=](std::int32_t) {
      if (--*left == 0) {
        finish->signal();
      } else if (auto n = weak_next.lock()) {
        (*n)();
      }
    });
  };
  return {
      [=](std::int64_t n) {
        *left = n;
        (*next)();
      },
  };
}

void ask_round_trip(benchmark::State& state, caf::duration timeout) {
  auto cfg = config(1);
  caf::actor_system system{*cfg};
  Finish finish;
  auto srv = system.spawn(server);
  auto cli = system.spawn(client, &finish, srv, timeout);
  measure(state, 2 * kAskRoundTrips, [&] {
    finish.arm(1);
    caf::anon_send(cli, kAskRoundTrips);
    finish.wait();
  });
  state.counters["round_trips_per_s"] = benchmark::Counter(
      static_cast<double>(kAskRoundTrips) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  caf::anon_send_exit(cli, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(srv, caf::exit_reason::user_shutdown);
}

void BM_caf_ask_round_trip_1_thread(benchmark::State& state) {
  ask_round_trip(state, caf::infinite);
}
void BM_caf_ask_round_trip_with_1s_timeout_1_thread(benchmark::State& state) {
  ask_round_trip(state, caf::duration{std::chrono::seconds(1)});
}

}  // namespace

BENCHMARK(BM_caf_ping_pong_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_caf_ping_pong_64_balls_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_caf_fan_in_4_producers_2_threads)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_caf_ask_round_trip_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_caf_ask_round_trip_with_1s_timeout_1_thread)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace nzeza::bench
