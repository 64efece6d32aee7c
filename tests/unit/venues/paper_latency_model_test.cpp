// Order and cancel latency of the paper venue: constant or drawn from a seeded distribution; a
// request reaches the book after its latency and never overtakes an earlier one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "paper_depth_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

using domain::VenueOrderStatus;
using ::testing::HasSubstr;
using venues::testing::Capture;

class PaperOrderLatencyTest : public PaperDepthFixture {
 protected:
  void configure(std::optional<LatencyModel> order, std::optional<LatencyModel> cancel) {
    PaperConfig c = default_config();
    c.order_latency = order;
    c.cancel_latency = cancel;
    make(c);
    ASSERT_TRUE(venue->deposit("USDT", d("100000")));
    ASSERT_TRUE(venue->deposit("BTC", d("2")));
  }
};

TEST_F(PaperOrderLatencyTest, an_order_sent_at_t_reaches_the_book_at_t_plus_its_latency) {
  configure(LatencyModel::constant(20ms), std::nullopt);
  book({{"100", "1"}}, {{"100.10", "1"}});
  const Timestamp sent = clock.now();
  Capture<PlaceAck> got;
  venue->place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "0.5"), got.callback());
  clock.advance(10ms);
  level(Side::sell, "100.10", "0");  // the book moves while the order travels
  level(Side::sell, "100.20", "1");
  clock.advance(9ms);
  EXPECT_FALSE(got.has());
  clock.advance(1ms);
  ASSERT_TRUE(got.has());
  ASSERT_TRUE(got.get());
  const auto& f = got.get()->fills.at(0);
  EXPECT_EQ(f.price, d("100.20"));  // the book of the moment it arrived
  EXPECT_EQ(f.time, sent + 20ms);
  EXPECT_EQ(got.get()->at, sent + 20ms);
}

// A buy of 1 resting at 100.05, alone at its level, and a cancel taking 30 ms to arrive.
class PaperCancelRaceTest : public PaperOrderLatencyTest {
 protected:
  void SetUp() override {
    PaperOrderLatencyTest::SetUp();
    configure(std::nullopt, LatencyModel::constant(30ms));
    book({{"100", "1"}}, {{"100.10", "1"}});
    auto ack = place(buy(1, "1", "100.05"));
    ASSERT_TRUE(ack);
    ASSERT_EQ(ack->report.status, VenueOrderStatus::open);
  }
  Capture<CancelAck> cancelled;
};

TEST_F(PaperCancelRaceTest, an_order_that_fills_before_its_cancel_arrives_stays_filled) {
  venue->cancel({"", "nz-t1-1", {}}, cancelled.callback());
  clock.advance(10ms);
  print("100.05", "1");  // reaches the order before the cancel does
  EXPECT_EQ(status(1).report.status, VenueOrderStatus::filled);
  clock.advance(19ms);
  EXPECT_FALSE(cancelled.has());
  clock.advance(1ms);
  ASSERT_TRUE(cancelled.has());
  ASSERT_FALSE(cancelled.get());
  EXPECT_EQ(cancelled.get().error().code, ErrorCode::rejected);
  EXPECT_THAT(cancelled.get().error().message, HasSubstr("order is filled"));
  EXPECT_EQ(fills().size(), 1u);
}

TEST_F(PaperCancelRaceTest, a_cancel_that_arrives_first_leaves_nothing_for_a_later_trade) {
  venue->cancel({"", "nz-t1-1", {}}, cancelled.callback());
  clock.advance(30ms);
  ASSERT_TRUE(cancelled.has());
  ASSERT_TRUE(cancelled.get());
  print("100.05", "1");
  EXPECT_EQ(status(1).report.status, VenueOrderStatus::cancelled);
  EXPECT_TRUE(fills().empty());
  EXPECT_EQ(bal("USDT").locked(), d("0"));
}

// When each of `n` orders, sent once the previous one arrived, reached the venue after sending.
std::vector<Duration> drawn_latencies(std::uint64_t seed, int n) {
  ManualClock clock;
  Markets m;
  PaperConfig c = default_config();
  c.order_latency = LatencyModel::uniform(10ms, 50ms);
  c.latency_seed = seed;
  PaperVenue venue(clock, m.registry, c);
  (void)venue.deposit("USDT", d("100000"));
  std::vector<Duration> out;
  for (int i = 0; i < n; ++i) {
    Capture<PlaceAck> got;
    const Timestamp sent = clock.now();
    venue.place(limit_spec(Venue::paper, m.paper_btc_usdt, static_cast<std::uint64_t>(i + 1),
                           Side::buy, "1", "90"),
                got.callback());
    clock.advance(60ms);
    EXPECT_TRUE(got.has() && got.get());
    if (got.has() && got.get()) out.push_back(got.get()->at - sent);
  }
  return out;
}

TEST_F(PaperOrderLatencyTest,
       quiesced_venue_answers_its_pending_calls_cancelled_at_once_and_never_runs_a_timer_again) {
  configure(LatencyModel::constant(20ms), std::nullopt);
  book({{"100", "1"}}, {{"100.10", "1"}});
  int stream_events = 0;
  PrivateStreamHandlers h;
  h.on_fill = [&](const domain::Fill&) { ++stream_events; };
  h.on_order = [&](const VenueOrder&) { ++stream_events; };
  venue->start(h);
  Capture<PlaceAck> in_flight;
  venue->place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "0.5"),
               in_flight.callback());
  ASSERT_GT(clock.pending_timers(), 0u);
  venue->quiesce();
  // Answered here, on this thread: cancelled (outcome unknown), never executed later.
  ASSERT_TRUE(in_flight.has());
  EXPECT_EQ(in_flight.get().error().code, ErrorCode::cancelled);
  EXPECT_EQ(clock.pending_timers(), 0u);
  EXPECT_EQ(venue->state(), net::ConnectionState::stopped);
  clock.advance(1s);
  EXPECT_EQ(bal("USDT").total(), d("100000"));  // nothing bought
  // A call made afterwards is answered at once, cancelled; nothing is scheduled.
  Capture<PlaceAck> later;
  venue->place(market_spec(Venue::paper, m.paper_btc_usdt, 2, Side::buy, "0.5"), later.callback());
  ASSERT_TRUE(later.has());
  EXPECT_EQ(later.get().error().code, ErrorCode::cancelled);
  EXPECT_EQ(clock.pending_timers(), 0u);
  EXPECT_EQ(stream_events, 0);
  venue->quiesce();  // idempotent
}

TEST(PaperLatencyDistribution, the_same_seed_draws_the_same_latencies_within_the_range) {
  const auto a = drawn_latencies(7, 20);
  const auto b = drawn_latencies(7, 20);
  const auto other = drawn_latencies(8, 20);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  for (Duration l : a) {
    EXPECT_GE(l, 10ms);
    EXPECT_LE(l, 50ms);
  }
  EXPECT_GT(*std::max_element(a.begin(), a.end()), *std::min_element(a.begin(), a.end()));
}

TEST(PaperLatencyDistribution, normal_draws_are_never_negative_and_centre_on_the_mean) {
  LatencySampler sampler(42);
  const LatencyModel model = LatencyModel::normal(20ms, 5ms);
  Duration sum = Duration::zero();
  constexpr int kDraws = 10'000;
  for (int i = 0; i < kDraws; ++i) {
    const Duration l = sampler.draw(model);
    ASSERT_GE(l, Duration::zero());
    sum += l;
  }
  const Duration mean = sum / kDraws;  // seeded: the same mean on every run
  EXPECT_GT(mean, 19500us);
  EXPECT_LT(mean, 20500us);

  LatencySampler wide(42);
  int zeros = 0;
  for (int i = 0; i < 1000; ++i) {
    const Duration l = wide.draw(LatencyModel::normal(1ms, 10ms));
    ASSERT_GE(l, Duration::zero());
    zeros += l == Duration::zero() ? 1 : 0;
  }
  EXPECT_GT(zeros, 0);  // the draws below zero became zero
}

TEST(PaperLatencyDistribution, draws_stay_within_the_bound_the_validity_window_reports) {
  LatencySampler sampler(3);
  const LatencyModel tails = LatencyModel::normal(1s, 400ms);
  EXPECT_EQ(tails.upper_bound(), 3400ms);
  for (int i = 0; i < 10'000; ++i) ASSERT_LE(sampler.draw(tails), tails.upper_bound());

  ManualClock clock;
  Markets m;
  PaperConfig c = default_config();
  c.order_latency = LatencyModel::uniform(10ms, 50ms);
  c.cancel_latency = tails;
  PaperVenue venue(clock, m.registry, c);
  EXPECT_EQ(venue.request_validity().window, 3400ms);  // beyond the default 1 s window
}

TEST(PaperLatencyDistribution, a_model_with_a_negative_or_inverted_range_is_invalid) {
  EXPECT_TRUE(LatencyModel::uniform(10ms, 50ms).validate());
  auto inverted = LatencyModel::uniform(50ms, 10ms).validate();
  ASSERT_FALSE(inverted);
  EXPECT_THAT(inverted.error().message, HasSubstr("latency max 10000000 ns is below the min"));
  EXPECT_FALSE(LatencyModel::normal(-1ms, 1ms).validate());
  EXPECT_FALSE(LatencyModel::normal(1ms, -1ms).validate());
}

TEST(PaperLatencyDistribution, the_text_form_reads_every_model_and_prints_what_it_reads) {
  EXPECT_EQ(*LatencyModel::parse("20ms"), LatencyModel::constant(20ms));
  EXPECT_EQ(*LatencyModel::parse(" uniform(10ms, 1.5s) "), LatencyModel::uniform(10ms, 1500ms));
  EXPECT_EQ(*LatencyModel::parse("normal(250us,40us)"), LatencyModel::normal(250us, 40us));
  EXPECT_EQ(*LatencyModel::parse("0.5us"), LatencyModel::constant(500ns));
  for (const char* text : {"20ms", "uniform(10ms, 2s)", "normal(250us, 40us)", "7ns"}) {
    EXPECT_EQ(LatencyModel::parse(text)->to_string(), text);
  }
}

TEST(PaperLatencyDistribution, bad_latency_text_is_refused_naming_the_text_and_the_forms) {
  for (const char* text :
       {"20", "20 minutes", "gamma(1ms, 2ms)", "uniform(1ms)", "normal(1ms, x)", "0.5ns", ""}) {
    auto m = LatencyModel::parse(text);
    ASSERT_FALSE(m) << text;
    EXPECT_THAT(m.error().message, HasSubstr("latency '" + std::string(text) + "'")) << text;
    EXPECT_THAT(m.error().message, HasSubstr("uniform(MIN, MAX)")) << text;
  }
  auto inverted = LatencyModel::parse("uniform(50ms, 10ms)");
  ASSERT_FALSE(inverted);
  EXPECT_THAT(inverted.error().message, HasSubstr("is below the min"));
  EXPECT_FALSE(LatencyModel::parse("-1ms"));
}

TEST_F(PaperOrderLatencyTest, a_request_never_overtakes_an_earlier_one_whatever_it_draws) {
  // Orders take 1-100 ms, cancels nothing: each cancel still arrives after its order.
  configure(LatencyModel::uniform(1ms, 100ms), LatencyModel::constant(0ms));
  std::vector<std::string> answers;
  for (std::uint64_t i = 1; i <= 10; ++i) {
    venue->place(buy(i, "1", "90"), [](Result<PlaceAck>) {});
    const std::string id = venues::testing::codec().encode(Venue::paper, i)->text;
    venue->cancel({"", id, {}}, [&answers](Result<CancelAck> r) {
      answers.push_back(r ? "cancelled" : r.error().message);
    });
    clock.advance(3ms);
  }
  clock.advance(1s);
  EXPECT_EQ(answers, std::vector<std::string>(10, "cancelled"));
  EXPECT_TRUE(open().empty());
}

}  // namespace
}  // namespace nzeza::venues::paper::testing
