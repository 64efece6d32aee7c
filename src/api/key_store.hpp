#pragma once
// KeyStore: the operator API's keys, kept as SHA-256 hashes in an owner-only file.
//
// Where: <data_dir>/api_keys (0600), one key per line:
//   <id>\t<scope>\t<name>\t<sha256 of the key, hex>\t<created, unix s>\t<revoked 0|1>
// Not in the journal, on purpose: `nzeza keys add/revoke` must work while a server holds the
// journal open, the journal's schema stays the trading record's alone, and the file's mode
// (owner-only, checked on every read) is the same guard as for venue secrets.
//
// A key is "nzk_" + 64 hex characters (32 random bytes from OpenSSL's RAND_bytes). It is shown
// once by add() and never stored: only its hash is. authenticate() hashes the presented token and
// compares it with EVERY stored hash with CRYPTO_memcmp (constant time, no early exit), so the
// time taken says nothing about which key, or how much of one, matched. A revoked key is kept
// (listed as revoked) and never matches.
//
// The server re-reads the file when its modification time or size changes, so a key added or
// revoked from the command line applies to a running server without a restart. The request path
// (authenticate_current) looks at the file at most once a second of the injected clock, not once
// per request: a key revoked on disk is refused within 1 s; a token that matches no loaded key
// makes it look at once, so a key added a moment ago is accepted on its first request.
//
// Threading: authenticate() and reload_if_changed() are thread-safe (one mutex); add() and
// revoke() write the file atomically (temporary file + rename) and are meant for the CLI.

#include <array>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::api {

// Each scope includes the ones below it: admin ⊇ trade ⊇ read.
enum class Scope : std::uint8_t { read, trade, admin };
[[nodiscard]] std::string_view to_string(Scope s) noexcept;
[[nodiscard]] std::optional<Scope> parse_scope(std::string_view text) noexcept;
[[nodiscard]] constexpr bool allows(Scope held, Scope needed) noexcept {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

struct KeyInfo {
  std::string id;  // 12 hex characters, random: names the key in list and revoke
  Scope scope = Scope::read;
  std::string name;  // the operator's label (may be empty)
  Timestamp created;
  bool revoked = false;
};

// What add() returns: the key itself (print it once) and its record.
struct NewKey {
  std::string key;
  KeyInfo info;
};

// The file's name under a data directory.
[[nodiscard]] std::filesystem::path key_file_path(const std::filesystem::path& data_dir);

class KeyStore {
 public:
  explicit KeyStore(std::filesystem::path file);

  // Creates a key (the directory and file too, owner-only). invalid_argument for a name with a
  // tab, a newline or over 64 characters; unavailable when the file cannot be written.
  Result<NewKey> add(Scope scope, std::string_view name, Timestamp now);
  // Every key, revoked ones included, in creation order. An absent file is an empty list;
  // invalid_state for a file others may read (naming its mode); parse_error for a bad line.
  Result<std::vector<KeyInfo>> list() const;
  // Revokes the key with this id, or every key with this name. not_found when none matches.
  Result<std::size_t> revoke(std::string_view id_or_name);

  // Loads the file when it changed since the last load (first call: loads it). The previous
  // keys stay in force when the new file cannot be read; the error says why.
  Status reload_if_changed();
  // The key's record when `token` is a stored, unrevoked key. Constant time over the stored keys.
  [[nodiscard]] std::optional<KeyInfo> authenticate(std::string_view token);

  // What authenticate_current() found, and why the file could not be reloaded (ok when it could,
  // or was not looked at).
  struct Check {
    std::optional<KeyInfo> key;
    Status reload;
  };
  // The request path: reload_if_changed() when kRecheck has passed on `now` since the last look,
  // then authenticate(); when that finds no key and the file was not looked at in this call, one
  // more reload_if_changed() and authenticate() (a key just added works at once).
  static constexpr Duration kRecheck = std::chrono::seconds(1);
  [[nodiscard]] Check authenticate_current(std::string_view token, Timestamp now);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return file_; }

 private:
  struct Entry {
    KeyInfo info;
    std::string hash;  // 32 raw bytes
  };
  Result<std::vector<Entry>> read() const;
  Status write(const std::vector<Entry>& entries) const;

  std::filesystem::path file_;
  mutable std::mutex mu_;
  std::vector<Entry> loaded_;
  // The loaded file's identity (inode, size, mtime in ns): a rename makes a new inode, so even a
  // same-size rewrite within one mtime tick is seen. nullopt: nothing loaded yet.
  std::optional<std::array<std::int64_t, 3>> loaded_stamp_;
  // When authenticate_current() last looked at the file (guarded by mu_); nullopt: never.
  std::optional<Timestamp> looked_at_;
};

}  // namespace nzeza::api
