// Every decimal string in the venues' public samples parses exactly and prints back to the
// same text; Kraken's published AssetPairs entry builds a valid instrument.
#include <simdjson.h>

#include <filesystem>
#include <functional>

#include "common/fixtures.hpp"
#include "core/decimal.hpp"
#include "core/instrument.hpp"

namespace nzeza {
namespace {

bool looks_decimal(std::string_view s) {
  if (s.empty() || s.size() > 24) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  bool digit = false;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if (s[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digit;
}

void walk(simdjson::dom::element e, const std::function<void(std::string_view)>& on_string) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      for (auto child : e.get_array()) walk(child, on_string);
      break;
    case simdjson::dom::element_type::OBJECT:
      for (auto field : e.get_object()) walk(field.value, on_string);
      break;
    case simdjson::dom::element_type::STRING:
      on_string(std::string_view(e.get_string()));
      break;
    default:
      break;
  }
}

TEST(VenueNumbers, every_decimal_string_in_the_public_samples_round_trips_exactly) {
  NZEZA_REQUIRE_FIXTURES();
  simdjson::dom::parser parser;
  int checked = 0;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::fixtures_dir())) {
    if (entry.path().extension() != ".json") continue;
    simdjson::dom::element doc;
    auto text = simdjson::padded_string::load(entry.path().string());
    ASSERT_EQ(text.error(), simdjson::SUCCESS) << entry.path();
    if (parser.parse(text.value()).get(doc) != simdjson::SUCCESS)
      continue;  // not every sample is JSON
    ++files;
    walk(doc, [&](std::string_view s) {
      if (!looks_decimal(s)) return;
      const auto point = s.find('.');
      const int places =
          point == std::string_view::npos ? 0 : static_cast<int>(s.size() - point - 1);
      auto d = Decimal::parse(s);
      if (!d.ok()) {
        // Out of range or more than 16 decimals: refused with the right code, never misread.
        EXPECT_TRUE(d.error().code == ErrorCode::overflow || d.error().code == ErrorCode::precision)
            << entry.path() << ": " << s << ": " << d.error().message;
        return;
      }
      ++checked;
      if (places <= Decimal::kScale) {
        EXPECT_EQ(d->to_string_fixed(places), s.front() == '-' && d->is_zero() ? s.substr(1) : s)
            << entry.path();
      }
      EXPECT_EQ(*Decimal::parse(d->to_string()), *d);
    });
  }
  EXPECT_GT(files, 50);
  EXPECT_GT(checked, 200);
}

TEST(VenueNumbers, kraken_asset_pair_sample_builds_a_valid_instrument) {
  NZEZA_REQUIRE_FIXTURES();
  simdjson::dom::parser parser;
  auto text = simdjson::padded_string::load(
      (testing::fixtures_dir() / "kraken" / "rest_asset_pairs_XXBTZUSD.json").string());
  ASSERT_EQ(text.error(), simdjson::SUCCESS);
  simdjson::dom::element pair = parser.parse(text.value())["result"]["XXBTZUSD"];
  Instrument i;
  i.venue = Venue::kraken;
  i.canonical = "BTC-USD";
  i.venue_symbol = "XXBTZUSD";
  i.ws_symbol = std::string(std::string_view(pair["wsname"]));
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = *Decimal::parse(std::string_view(pair["tick_size"]));
  const auto lot_decimals = static_cast<int>(std::int64_t(pair["lot_decimals"]));
  i.lot_size = *Decimal::from_scaled(1, lot_decimals);
  i.min_size = *Decimal::parse(std::string_view(pair["ordermin"]));
  i.min_notional = *Decimal::parse(std::string_view(pair["costmin"]));
  ASSERT_TRUE(i.validate().ok()) << i.validate().error().message;
  InstrumentRegistry reg;
  ASSERT_TRUE(reg.add(i).ok());
  EXPECT_EQ(reg.find(Venue::kraken, "XBT/USD")->venue_symbol, "XXBTZUSD");
  EXPECT_TRUE(i.check_order("37500.1"_d, "0.0001"_d).ok());
  EXPECT_FALSE(i.check_order("37500.15"_d, "0.0001"_d).ok());
  EXPECT_FALSE(i.check_order("37500"_d, "0.00009"_d).ok());
}

}  // namespace
}  // namespace nzeza
