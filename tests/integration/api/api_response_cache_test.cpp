// ResponseCache alone: an answer is served again only while the market version is the same and
// it is younger than its max age; an error is never served twice.
#include <gtest/gtest.h>

#include <string>

#include "api/response_cache.hpp"

namespace nzeza::api {
namespace {

using namespace std::chrono_literals;

struct Renderer {
  int calls = 0;
  unsigned status = 200;
  ApiResponse operator()() {
    ++calls;
    ApiResponse r;
    r.status = status;
    r.body = "render " + std::to_string(calls);
    return r;
  }
};

TEST(ApiResponseCache, the_same_version_within_max_age_is_served_without_rendering) {
  ResponseCache cache(50ms);
  Renderer render;
  const Timestamp t0 = Timestamp::from_seconds(1'767'225'600);
  EXPECT_EQ(cache.get(7, t0, [&] { return render(); }).body, "render 1");
  EXPECT_EQ(cache.get(7, t0 + 49ms, [&] { return render(); }).body, "render 1");
  EXPECT_EQ(render.calls, 1);
}

TEST(ApiResponseCache, a_new_version_or_max_age_or_a_clock_step_back_renders_anew) {
  ResponseCache cache(50ms);
  Renderer render;
  const Timestamp t0 = Timestamp::from_seconds(1'767'225'600);
  (void)cache.get(7, t0, [&] { return render(); });
  EXPECT_EQ(cache.get(8, t0 + 1ms, [&] { return render(); }).body, "render 2") << "prices moved";
  EXPECT_EQ(cache.get(8, t0 + 51ms, [&] { return render(); }).body, "render 3") << "too old";
  EXPECT_EQ(cache.get(8, t0, [&] { return render(); }).body, "render 4") << "clock went back";
  EXPECT_EQ(render.calls, 4);
}

TEST(ApiResponseCache, an_error_is_answered_once_and_never_reused) {
  ResponseCache cache(50ms);
  Renderer render;
  const Timestamp t0 = Timestamp::from_seconds(1'767'225'600);
  render.status = 503;
  EXPECT_EQ(cache.get(1, t0, [&] { return render(); }).status, 503u);
  render.status = 200;
  const ApiResponse& ok = cache.get(1, t0, [&] { return render(); });
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "render 2");
  EXPECT_EQ(render.calls, 2);
}

}  // namespace
}  // namespace nzeza::api
