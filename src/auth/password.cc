#include "auth/password.h"

#include <zxcvbn.h>

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include "core/utf8.h"

namespace amanat::auth {

namespace {

// libsodium's INTERACTIVE limits, spelled out so that the header's numbers cannot drift from them
// unnoticed (a libsodium that changed them would make every stored hash "need rehash").
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = std::size_t{64} << 20;
static_assert(kOpsLimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kMemLimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(crypto_pwhash_ALG_DEFAULT == crypto_pwhash_ALG_ARGON2ID13);

constexpr std::size_t kMinContextCodePoints = 4;
constexpr std::size_t kMinStrippedCodePoints = 6;

Status sodium_ready() {
  // sodium_init() is thread-safe and idempotent; it returns 1 when already initialised.
  static const bool ok = sodium_init() >= 0;
  if (!ok) return fail(Errc::internal, "libsodium failed to initialise");
  return {};
}

// Simple (one-to-one) lower-case folding for the scripts our users write passwords in. Without
// Unicode tables this covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; everything
// else is compared as typed.
char32_t fold(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';                                 // İ
    if (c == 0x178) return 0xFF;                                // Ÿ
    if (c == 0x17F) return 's';                                 // ſ
    if (c <= 0x137 || (c >= 0x14A && c <= 0x177)) return c | 1;  // even upper, odd lower
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
      return c % 2 ? c + 1 : c;                                 // odd upper, even lower
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c == 0x3C2) return 0x3C3;  // final sigma
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
    return c | 1;  // Ғ Қ Ң Ү Ұ Һ Ә Ө and the rest: even upper, odd lower
  if (c == 0x4C0) return 0x4CF;
  if (c >= 0x4C1 && c <= 0x4CE) return c % 2 ? c + 1 : c;
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | c >> 6));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | c >> 12));
    out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | c >> 18));
    out.push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The code points of `s`, folded; nullopt if `s` is not well-formed UTF-8.
std::optional<std::u32string> folded_code_points(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t c;
    std::size_t n = utf8_sequence(s, i, c);
    if (n == 0) return std::nullopt;
    out.push_back(fold(c));
    i += n;
  }
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

// The smallest p such that s[i] == s[i + p] for all i (s.size() if s has no shorter period).
std::size_t smallest_period(std::u32string_view s) {
  for (std::size_t p = 1; p < s.size(); ++p) {
    bool periodic = true;
    for (std::size_t i = 0; i + p < s.size() && periodic; ++i) periodic = s[i] == s[i + p];
    if (periodic) return p;
  }
  return s.size();
}

// Sequences people walk along, each of distinct characters, in folded form.
constexpr std::u32string_view kSequences[] = {
    U"0123456789",
    U"abcdefghijklmnopqrstuvwxyz",
    U"абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    U"абвгдежзийклмнопрстуфхцчшщъыьэюя",
    U"qwertyuiopasdfghjklzxcvbnm",
    U"йцукенгшщзхъфывапролджэячсмитьбю",
};

// True if s is a contiguous run of `seq`, forwards or backwards, wrapping at its ends.
bool walks(std::u32string_view s, std::u32string_view seq) {
  std::size_t start = seq.find(s[0]);
  if (start == std::u32string_view::npos) return false;
  std::size_t m = seq.size();
  bool forwards = true, backwards = true;
  for (std::size_t i = 1; i < s.size(); ++i) {
    forwards = forwards && s[i] == seq[(start + i) % m];
    backwards = backwards && s[i] == seq[(start + m - i % m) % m];
  }
  return forwards || backwards;
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The context word itself and its parts between ASCII non-alphanumerics, in folded form,
// keeping only those long enough to be meaningful.
void context_candidates(std::string_view word, std::vector<std::u32string>& out) {
  auto cps = folded_code_points(word);
  if (!cps) return;  // not text; it cannot occur in a valid password
  auto keep = [&](std::u32string_view w) {
    if (w.size() >= kMinContextCodePoints) out.emplace_back(w);
  };
  std::u32string_view all = *cps;
  std::size_t first = all.find_first_not_of(U" \t");
  if (first == std::u32string_view::npos) return;
  all = all.substr(first, all.find_last_not_of(U" \t") - first + 1);
  keep(all);
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= all.size(); ++i) {
    if (i == all.size() || (all[i] < 0x80 && !is_ascii_alnum(all[i]))) {
      if (i > begin && i - begin < all.size()) keep(all.substr(begin, i - begin));
      begin = i + 1;
    }
  }
}

// Everything but the common-password list; `folded` is set for the list check.
Status check_rules(std::string_view password, std::span<const std::string_view> context_words,
                   std::u32string& folded) {
  if (password.size() > kMaxPasswordBytes)
    return fail(Errc::invalid, "password is too long: at most " +
                                   std::to_string(kMaxPasswordBytes) +
                                   " bytes (as many Latin or half as many Cyrillic letters)");
  auto cps = folded_code_points(password);
  if (!cps) return fail(Errc::invalid, "password is not valid UTF-8");
  for (char32_t c : *cps)
    if (c < 0x20 || (c >= 0x7F && c < 0xA0))
      return fail(Errc::invalid,
                  "password must not contain control characters (such as a tab or line break)");
  if (cps->size() < kMinPasswordCodePoints)
    return fail(Errc::invalid, "password is too short: it needs at least " +
                                   std::to_string(kMinPasswordCodePoints) + " characters");
  // Runs before patterns: "123456789012" repeats "1234567890", but "a run of digits" is the
  // reason a person recognises.
  std::size_t period = smallest_period(*cps);
  if (period == 1) return fail(Errc::invalid, "password is one character repeated");
  for (auto seq : kSequences)
    if (walks(*cps, seq))
      return fail(Errc::invalid,
                  "password is a run of the alphabet, of digits or along a keyboard row");
  if (period < kMinPasswordCodePoints)
    return fail(Errc::invalid, "password repeats a pattern shorter than " +
                                   std::to_string(kMinPasswordCodePoints) + " characters");
  std::vector<std::u32string> candidates;
  for (auto word : context_words) context_candidates(word, candidates);
  for (const auto& c : candidates)
    if (cps->find(c) != std::u32string::npos)
      return fail(Errc::invalid,
                  "password contains the user name, the organisation's name or another word "
                  "from the account");
  folded = std::move(*cps);
  return {};
}

void add_folded(std::unordered_set<std::string>& words, std::string_view word) {
  // A line that is not UTF-8 could never equal a password that passed the policy.
  if (auto cps = folded_code_points(word)) words.insert(to_utf8(*cps));
}

Status check_common(std::u32string_view folded, const CommonPasswords& common) {
  if (common.contains(to_utf8(folded)))
    return fail(Errc::invalid, "password is on the list of commonly used passwords");
  // "Password123!" -> "password": strip trailing ASCII digits, punctuation and spaces (control
  // characters were refused already, and ASCII letters are lower case after folding).
  std::size_t end = folded.size();
  while (end > 0 && folded[end - 1] < 0x80 && !(folded[end - 1] >= 'a' && folded[end - 1] <= 'z'))
    --end;
  if (end < folded.size() && end >= kMinStrippedCodePoints &&
      common.contains(to_utf8(folded.substr(0, end))))
    return fail(Errc::invalid,
                "password is a commonly used password followed by digits or punctuation");
  return {};
}

Result<const CommonPasswords*> default_common_passwords() {
  static std::mutex mu;
  static std::unique_ptr<const CommonPasswords> list;
  std::lock_guard lock(mu);
  if (!list) {
    auto loaded = CommonPasswords::load();
    if (!loaded) return err(loaded);
    list = std::make_unique<const CommonPasswords>(std::move(*loaded));
  }
  // Never written again once set, so readers need not hold the lock.
  return list.get();
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return fail(Errc::invalid,
                "password is too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  if (auto s = sodium_ready(); !s) return err(s);
  char out[crypto_pwhash_STRBYTES];
  const char* data = password.empty() ? "" : password.data();  // never hand libsodium a null
  if (crypto_pwhash_str(out, data, password.size(), kOpsLimit, kMemLimit) != 0)
    return fail(Errc::unavailable, "Argon2id could not allocate its " +
                                       std::to_string(kMemLimit >> 20) + " MiB; retry later");
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  // libsodium reads a NUL-terminated string of less than crypto_pwhash_STRBYTES.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos)
    return false;
  if (!sodium_ready()) return false;
  std::string h(hash);
  const char* data = password.empty() ? "" : password.data();
  return crypto_pwhash_str_verify(h.c_str(), data, password.size()) == 0;
}

bool needs_rehash(std::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos)
    return true;
  if (!sodium_ready()) return true;
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), kOpsLimit, kMemLimit) != 0;
}

Result<CommonPasswords> CommonPasswords::load(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return fail(Errc::unavailable, "the common-password list " + file.string() +
                                       " is missing; install the Debian package john-data "
                                       "(scripts/setup.sh does)");
  std::ifstream in(file);
  if (!in)
    return fail(Errc::unavailable, "cannot read the common-password list " + file.string() +
                                       ": " + std::strerror(errno));
  std::unordered_set<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.starts_with("#!comment:")) continue;
    add_folded(words, line);
  }
  if (in.bad())
    return fail(Errc::unavailable, "error reading the common-password list " + file.string());
  if (words.empty())
    return fail(Errc::corrupt, "the common-password list " + file.string() +
                                   " holds no passwords; reinstall the Debian package john-data");
  return CommonPasswords(std::move(words));
}

CommonPasswords CommonPasswords::from_words(std::span<const std::string_view> words) {
  std::unordered_set<std::string> folded;
  for (auto w : words) add_folded(folded, w);
  return CommonPasswords(std::move(folded));
}

bool CommonPasswords::contains(std::string_view password) const {
  auto cps = folded_code_points(password);
  return cps && words_.contains(to_utf8(*cps));
}

Status check_strength(std::string_view password, std::span<const std::string_view> context_words) {
  // zxcvbn's estimate of the guesses an attacker who knows how people choose passwords needs
  // (dictionary words, names, years, keyboard patterns, l33t, and the context words).
  std::vector<std::string> words;
  for (auto w : context_words)
    if (!w.empty()) words.emplace_back(w);
  std::vector<const char*> dict;
  for (const auto& w : words) dict.push_back(w.c_str());
  dict.push_back(nullptr);
  std::string text(password);
  double bits = ZxcvbnMatch(text.c_str(), dict.data(), nullptr);
  if (bits < kMinPasswordStrengthBits)
    return fail(Errc::invalid,
                "password is too easy to guess (common words, names, years or keyboard patterns); add words "
                "of your own, or make it longer");
  return {};
}

Status check_password_policy(std::string_view password, const CommonPasswords& common,
                             std::span<const std::string_view> context_words) {
  std::u32string folded;
  if (auto s = check_rules(password, context_words, folded); !s) return s;
  AMANAT_CHECK(check_common(folded, common));
  return check_strength(password, context_words);
}

Status check_password_policy(std::string_view password,
                             std::span<const std::string_view> context_words) {
  std::u32string folded;
  if (auto s = check_rules(password, context_words, folded); !s) return s;
  // Loaded only now, so a password that fails the other rules gets that reason even while the
  // list is missing.
  auto list = default_common_passwords();
  if (!list) return err(list);
  AMANAT_CHECK(check_common(folded, **list));
  return check_strength(password, context_words);
}

}  // namespace amanat::auth
