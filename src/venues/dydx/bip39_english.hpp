#pragma once
// The BIP-39 English wordlist (generated data, see bip39_english.cpp for origin and SHA-256).
// Sorted ascending, so a word's index is found by binary search.

#include <array>
#include <cstddef>
#include <string_view>

namespace nzeza::venues::dydx {

inline constexpr std::size_t kBip39WordCount = 2048;

// SHA-256 of the list as the canonical english.txt (one word per line, "\n" after each).
inline constexpr std::string_view kBip39EnglishSha256 =
    "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda";

extern const std::array<std::string_view, kBip39WordCount> kBip39English;

}  // namespace nzeza::venues::dydx
