#include "venues/credentials.hpp"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nzeza::venues {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string octal_mode(unsigned mode) {
  std::ostringstream os;
  os << '0' << std::oct << (mode & 07777u);
  return os.str();
}

// Parses `field = value` lines into `out`; only the fields in `wanted` are kept (the rest of the
// file is not held in memory longer than the read). Errors name the file and the line.
Status read_file(const std::filesystem::path& path,
                 std::map<std::string, Secret, std::less<>>& out) {
  if (Status s = check_private_file(path); !s) return s;
  std::ifstream in(path);
  if (!in)
    return Error{ErrorCode::not_found, "credentials file " + path.string() + ": cannot open"};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') {
      wipe_string(line);
      continue;
    }
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) {
      wipe_string(line);
      return Error{ErrorCode::parse_error, "credentials file " + path.string() + " line " +
                                               std::to_string(number) +
                                               ": expected `field = value`"};
    }
    std::string key(trim(text.substr(0, eq)));
    std::string value(trim(text.substr(eq + 1)));
    // Quoted values keep their inner text ("..." or '...').
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      std::string inner = value.substr(1, value.size() - 2);
      wipe_string(value);
      value = std::move(inner);
    }
    // PEM keys on one line use literal "\n" sequences: turn them into newlines.
    for (std::size_t p = value.find("\\n"); p != std::string::npos; p = value.find("\\n", p)) {
      value.replace(p, 2, "\n");
    }
    wipe_string(line);
    if (key.empty()) {
      wipe_string(value);
      return Error{ErrorCode::parse_error, "credentials file " + path.string() + " line " +
                                               std::to_string(number) + ": empty field name"};
    }
    out.insert_or_assign(std::move(key), Secret(std::move(value)));
  }
  return {};
}

}  // namespace

void wipe_string(std::string& s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

Secret::~Secret() {
  wipe();
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void Secret::wipe() noexcept {
  wipe_string(value_);
}

std::string Secret::masked() const {
  if (value_.size() <= 8) return "…";
  return value_.substr(0, 4) + "…";
}

Status check_private_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error{ErrorCode::not_found, "credentials file " + path.string() + ": does not exist"};
  }
  if (!S_ISREG(st.st_mode)) {
    return Error{ErrorCode::invalid_argument,
                 "credentials file " + path.string() + ": not a regular file"};
  }
  if (st.st_uid != ::geteuid()) {
    return Error{ErrorCode::invalid_argument, "credentials file " + path.string() +
                                                  ": owned by uid " + std::to_string(st.st_uid) +
                                                  ", not by the current user (uid " +
                                                  std::to_string(::geteuid()) + ")"};
  }
  if ((st.st_mode & 077u) != 0) {
    return Error{ErrorCode::invalid_argument,
                 "credentials file " + path.string() + ": mode " + octal_mode(st.st_mode) +
                     " lets group or others read it; run chmod 600 " + path.string()};
  }
  return {};
}

std::string Credentials::env_name(std::string_view venue, std::string_view field,
                                  std::string_view prefix) {
  if (!prefix.empty()) return std::string(prefix) + "_" + upper(field);
  return "NZEZA_" + upper(venue) + "_" + upper(field);
}

Result<std::string_view> Credentials::get(std::string_view field) const {
  if (const Secret* s = find(field)) return s->reveal();
  return Error{ErrorCode::not_found, "credential " + std::string(field) + " for " + venue_ +
                                         " is not set (" + env_name(venue_, field, env_prefix_) +
                                         ")"};
}

bool Credentials::has(std::string_view field) const {
  return find(field) != nullptr;
}

const Secret* Credentials::find(std::string_view field) const {
  auto it = fields_.find(field);
  return it == fields_.end() ? nullptr : &it->second;
}

void Credentials::set(std::string field, std::string value) {
  fields_.insert_or_assign(std::move(field), Secret(std::move(value)));
}

Result<Credentials> Credentials::load(std::string_view venue,
                                      std::initializer_list<std::string_view> required,
                                      std::initializer_list<std::string_view> optional,
                                      const CredentialOptions& options) {
  Credentials creds;
  creds.venue_ = std::string(venue);
  creds.env_prefix_ = options.env_prefix;
  const std::string_view prefix = options.env_prefix;

  std::optional<std::filesystem::path> file = options.file;
  const std::string file_var = env_name(venue, "credentials_file", prefix);
  if (!file && options.use_environment) {
    if (const char* f = std::getenv(file_var.c_str()); f != nullptr && *f != '\0') file = f;
  }
  std::map<std::string, Secret, std::less<>> from_file;
  if (file) {
    if (Status s = read_file(*file, from_file); !s) return s.error();
  }

  auto take = [&](std::string_view field) -> bool {
    if (options.use_environment) {
      const std::string var = env_name(venue, field, prefix);
      if (const char* v = std::getenv(var.c_str()); v != nullptr && *v != '\0') {
        creds.set(std::string(field), v);
        return true;
      }
    }
    if (auto it = from_file.find(field); it != from_file.end()) {
      creds.fields_.insert_or_assign(std::string(field), std::move(it->second));
      return true;
    }
    return false;
  };

  for (std::string_view field : required) {
    if (!take(field)) {
      std::string where = options.use_environment
                              ? "environment variable " + env_name(venue, field, prefix)
                              : std::string("(environment not read)");
      where += file ? ", file " + file->string() : ", no credentials file (" + file_var + ")";
      return Error{ErrorCode::not_found, "missing " + std::string(venue) + " credential " +
                                             std::string(field) + ": looked in " + where};
    }
  }
  for (std::string_view field : optional) take(field);
  return creds;
}

}  // namespace nzeza::venues
