#pragma once
// Credentials: API keys and secrets for the venue clients, read from the environment or from a
// file only its owner can read, never logged, wiped from memory when dropped.
//
// Sources, in order, for venue "binance" and field "api_key":
//   1. the environment variable NZEZA_BINANCE_API_KEY (<PREFIX>_API_KEY with
//      CredentialOptions::env_prefix, a config's `credentials = "env:PREFIX"`);
//   2. the file named by CredentialOptions::file, else by NZEZA_BINANCE_CREDENTIALS_FILE
//      (<PREFIX>_CREDENTIALS_FILE):
//      `field = value` lines (`api_key = ...`), blank lines and `#` comments ignored. The file must
//      be a regular file owned by the current user with no group or other permission bits
//      (0600 or 0400); anything looser is refused with a clear error naming the file and its mode.
// A required field found nowhere is an error naming the variable and the file it looked in.
//
// Printing: Secret has no stream operator; masked() shows at most the first 4 characters.

#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::venues {

// A string that is wiped (OPENSSL_cleanse) when destroyed or overwritten. Move-only.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) noexcept : value_(std::move(value)) {}
  ~Secret();
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  // "abcd…" — at most 4 characters of the value, "…" alone when it has 8 characters or fewer.
  [[nodiscard]] std::string masked() const;

 private:
  void wipe() noexcept;
  std::string value_;
};

// Overwrites `s` with zeros (not optimised away), then clears it.
void wipe_string(std::string& s) noexcept;

struct CredentialOptions {
  // Explicit credentials file; when empty, NZEZA_<VENUE>_CREDENTIALS_FILE if set.
  std::optional<std::filesystem::path> file;
  // Read environment variables (tests may turn this off to exercise the file alone).
  bool use_environment = true;
  // Prefix of the variable names instead of NZEZA_<VENUE> ("ACME_MAIN" → ACME_MAIN_API_KEY,
  // ACME_MAIN_CREDENTIALS_FILE); empty: NZEZA_<VENUE>.
  std::string env_prefix;
};

class Credentials {
 public:
  // The value of `field`; an error naming the field when absent.
  [[nodiscard]] Result<std::string_view> get(std::string_view field) const;
  [[nodiscard]] bool has(std::string_view field) const;
  [[nodiscard]] const Secret* find(std::string_view field) const;
  // For tests and programmatic configuration.
  void set(std::string field, std::string value);
  [[nodiscard]] std::string venue() const { return venue_; }

  // Loads `required` (must all be present) and `optional` fields for `venue` (lower case:
  // "binance", "kraken", "coinbase", "hyperliquid", "dydx").
  static Result<Credentials> load(std::string_view venue,
                                  std::initializer_list<std::string_view> required,
                                  std::initializer_list<std::string_view> optional = {},
                                  const CredentialOptions& options = {});

  // The environment variable name for a field: ("binance", "api_key") → "NZEZA_BINANCE_API_KEY";
  // with a prefix: ("binance", "api_key", "ACME") → "ACME_API_KEY".
  static std::string env_name(std::string_view venue, std::string_view field,
                              std::string_view prefix = {});

 private:
  std::string venue_;
  std::string env_prefix_;  // as loaded (empty: NZEZA_<VENUE>)
  std::map<std::string, Secret, std::less<>> fields_;
};

// Checks that `path` is a regular file owned by the current user with no group/other
// permission bits; the error says which rule failed, with the mode in octal.
Status check_private_file(const std::filesystem::path& path);

}  // namespace nzeza::venues
