#include "api/key_store.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "core/enum_names.hpp"

namespace nzeza::api {

namespace {

constexpr std::string_view kKeyPrefix = "nzk_";
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kMaxName = 64;

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xF]);
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = digit(text[i]);
    const int lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string sha256(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

Result<std::string> random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1)
    return Error{ErrorCode::unavailable, "api keys: the system's random source failed"};
  auto out = hex(buf.data(), bytes);
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

constexpr EnumNames kScopeNames{Scope::admin, {"read", "trade", "admin"}, "read"};

std::string_view to_string(Scope s) noexcept {
  return kScopeNames.name(s);
}

std::optional<Scope> parse_scope(std::string_view text) noexcept {
  return kScopeNames.parse(text);
}

std::filesystem::path key_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "api_keys";
}

KeyStore::KeyStore(std::filesystem::path file) : file_(std::move(file)) {}

Result<std::vector<KeyStore::Entry>> KeyStore::read() const {
  std::vector<Entry> out;
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return out;  // no file: no key
  if ((st.st_mode & 077) != 0) {
    std::ostringstream mode;
    mode << std::oct << (st.st_mode & 0777);
    return Error{ErrorCode::invalid_state, "api keys: " + file_.string() + " has mode 0" +
                                               mode.str() +
                                               "; it must be readable by its owner only (0600)"};
  }
  std::ifstream in(file_);
  if (!in) return Error{ErrorCode::unavailable, "api keys: cannot read " + file_.string()};
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    const auto f = split_tabs(line);
    auto bad = [&](std::string_view what) {
      return Error{ErrorCode::parse_error, "api keys: " + file_.string() + " line " +
                                               std::to_string(number) + ": " + std::string(what)};
    };
    if (f.size() != 6) return bad("expected 6 tab-separated fields");
    Entry e;
    e.info.id = f[0];
    const auto scope = parse_scope(f[1]);
    if (!scope) return bad("unknown scope '" + f[1] + "'");
    e.info.scope = *scope;
    e.info.name = f[2];
    auto hash = unhex(f[3]);
    if (!hash || hash->size() != 32) return bad("the hash is not 64 hex digits");
    e.hash = std::move(*hash);
    try {
      e.info.created = Timestamp::from_seconds(std::stoll(f[4]));
    } catch (const std::exception&) {
      return bad("the creation time is not an integer");
    }
    if (f[5] != "0" && f[5] != "1") return bad("revoked must be 0 or 1");
    e.info.revoked = f[5] == "1";
    out.push_back(std::move(e));
  }
  return out;
}

Status KeyStore::write(const std::vector<Entry>& entries) const {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  const auto tmp = file_.string() + ".tmp";
  std::filesystem::remove(tmp, ec);
  {
    // Created owner-only before a byte is written: the hashes are never readable by others.
    const mode_t old = ::umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    ::umask(old);
    if (!out) return Error{ErrorCode::unavailable, "api keys: cannot write " + tmp};
    for (const auto& e : entries) {
      out << e.info.id << '\t' << to_string(e.info.scope) << '\t' << e.info.name << '\t'
          << hex(reinterpret_cast<const unsigned char*>(e.hash.data()), e.hash.size()) << '\t'
          << e.info.created.seconds() << '\t' << (e.info.revoked ? '1' : '0') << '\n';
    }
    out.flush();
    if (!out) return Error{ErrorCode::unavailable, "api keys: cannot write " + tmp};
  }
  std::filesystem::permissions(
      tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  std::filesystem::rename(tmp, file_, ec);
  if (ec)
    return Error{ErrorCode::unavailable,
                 "api keys: cannot replace " + file_.string() + ": " + ec.message()};
  return Status{};
}

Result<NewKey> KeyStore::add(Scope scope, std::string_view name, Timestamp now) {
  if (name.size() > kMaxName || name.find_first_of("\t\n\r") != std::string_view::npos)
    return Error{ErrorCode::invalid_argument,
                 "api keys: a name has at most 64 characters and no tab or line break"};
  std::lock_guard lock(mu_);
  auto entries = read();
  if (!entries) return entries.error();
  auto secret = random_hex(kKeyBytes);
  if (!secret) return secret.error();
  auto id = random_hex(6);
  if (!id) return id.error();
  NewKey made;
  made.key = std::string(kKeyPrefix) + *secret;
  made.info.id = *id;
  made.info.scope = scope;
  made.info.name = std::string(name);
  made.info.created = now;
  Entry e{made.info, sha256(made.key)};
  entries->push_back(std::move(e));
  if (auto st = write(*entries); !st) return st.error();
  return made;
}

Result<std::vector<KeyInfo>> KeyStore::list() const {
  std::lock_guard lock(mu_);
  auto entries = read();
  if (!entries) return entries.error();
  std::vector<KeyInfo> out;
  for (auto& e : *entries) out.push_back(std::move(e.info));
  return out;
}

Result<std::size_t> KeyStore::revoke(std::string_view id_or_name) {
  std::lock_guard lock(mu_);
  auto entries = read();
  if (!entries) return entries.error();
  std::size_t revoked = 0;
  for (auto& e : *entries) {
    if (e.info.id == id_or_name || (!id_or_name.empty() && e.info.name == id_or_name)) {
      if (!e.info.revoked) ++revoked;
      e.info.revoked = true;
    }
  }
  if (revoked == 0)
    return Error{ErrorCode::not_found,
                 "api keys: no active key with id or name '" + std::string(id_or_name) + "'"};
  if (auto st = write(*entries); !st) return st.error();
  return revoked;
}

Status KeyStore::reload_if_changed() {
  struct stat st {};
  std::array<std::int64_t, 3> stamp{0, -1, 0};
  if (::stat(file_.c_str(), &st) == 0) {
    stamp = {static_cast<std::int64_t>(st.st_ino), static_cast<std::int64_t>(st.st_size),
             static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  std::lock_guard lock(mu_);
  if (loaded_stamp_ && *loaded_stamp_ == stamp) return Status{};
  auto entries = read();
  if (!entries) return entries.error();
  loaded_ = std::move(*entries);
  loaded_stamp_ = stamp;
  return Status{};
}

std::optional<KeyInfo> KeyStore::authenticate(std::string_view token) {
  const std::string hash = sha256(token);
  std::lock_guard lock(mu_);
  std::optional<KeyInfo> found;
  for (const auto& e : loaded_) {
    // Every stored hash is compared, match or not: no early exit.
    const bool same = CRYPTO_memcmp(hash.data(), e.hash.data(), hash.size()) == 0;
    if (same && !e.info.revoked) found = e.info;
  }
  return found;
}

KeyStore::Check KeyStore::authenticate_current(std::string_view token, Timestamp now) {
  Check out;
  bool looked = false;
  {
    std::lock_guard lock(mu_);
    if (!looked_at_ || now < *looked_at_ || now - *looked_at_ >= kRecheck) {
      looked_at_ = now;
      looked = true;
    }
  }
  if (looked) out.reload = reload_if_changed();
  out.key = authenticate(token);
  if (!out.key && !looked) {
    {
      std::lock_guard lock(mu_);
      looked_at_ = now;
    }
    out.reload = reload_if_changed();
    out.key = authenticate(token);
  }
  return out;
}

}  // namespace nzeza::api
