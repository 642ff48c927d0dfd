// Staff passwords: Argon2id hashing (libsodium crypto_pwhash_str) and the policy a new password
// must meet.
//
// Hashing. hash_password() stores Argon2id with libsodium's INTERACTIVE limits: 2 passes over
// 64 MiB. That is libsodium's recommendation for online logins and above OWASP's Argon2id floor
// (19 MiB, 2 passes); MODERATE (256 MiB, 3 passes) takes ~0.5 s and would let four concurrent
// logins claim 1 GiB on the 2-core server we size for. Each call takes ~70 ms of one core (on the
// development machine) and 64 MiB, so hash_password() and verify_password() must run on a small
// worker pool (at most one per core), never on the event loop. needs_rehash() tells a successful
// login to store a fresh hash when these limits (or libsodium's algorithm) have changed since.
// Passwords are hashed byte for byte: no Unicode normalisation, no trimming.
//
// Policy. check_password_policy() returns Errc::invalid with a reason a person can act on, and
// never quotes the password or the part of it that matched. The rules, in the order checked:
//   - at most kMaxPasswordBytes bytes (bounds the work, and any form field);
//   - well-formed UTF-8 without control characters;
//   - at least kMinPasswordCodePoints Unicode code points (so "Қазақстандағы" counts 13, not its
//     26 bytes);
//   - not one character repeated;
//   - not a run of the alphabet (Latin or Russian), of digits or along a keyboard row (QWERTY or
//     ЙЦУКЕН), forwards or backwards, wrapping at the ends ("abcdefghijkl", "123456789012",
//     "qwertyuiopas");
//   - not a pattern shorter than the minimum length repeated ("abcabcabcabc", "passwordpass"):
//     its real length is below the minimum;
//   - not containing any context word (user name, organisation name, e-mail address...), nor any
//     of its parts split at ASCII characters other than letters and digits ("amina.bekova" gives
//     "amina" and "bekova"); words and parts shorter than 4 code points are ignored, because they
//     occur by chance inside ordinary words;
//   - strong enough by zxcvbn's estimate (Debian's libzxcvbn, zxcvbn-c: dictionaries of words,
//     names and common passwords, years and dates, keyboard patterns, l33t, with the context
//     words added): at least kMinPasswordStrengthBits, so that a common word with a year or a
//     country appended ("Kazakhstan2024", "Password2024!") is refused;
//   - not on the common-password list, and not a listed password followed by digits, punctuation
//     or spaces ("Password123!" when "password" is listed). That second form counts only if what
//     remains after stripping is at least 6 code points long: most short list entries ("abc",
//     "love") are ordinary word fragments, and rejecting "love" + 8 random digits would reject
//     passwords whose strength is in the digits.
// Comparisons are case-insensitive: ASCII, Latin-1, Latin Extended-A (the Kazakh Latin letters),
// Greek and Cyrillic (including Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ І) are folded to lower case.
//
// The common-password list is John the Ripper's password.lst from the Debian package john-data
// (installed by scripts/setup.sh): one password a line, "#!comment:" lines are comments.
//
// Thread-safety: all functions are thread-safe; CommonPasswords is immutable after load(). The
// check_password_policy() overload without a list loads the default list once, under a mutex,
// on first use, and retries on later calls if that failed.
// Failures: hash_password gives Errc::invalid for a password over kMaxPasswordBytes and
// Errc::unavailable if the 64 MiB cannot be allocated; CommonPasswords::load gives
// Errc::unavailable for a missing or unreadable file (naming the package to install) and
// Errc::corrupt for a file without a single password; the policy gives Errc::invalid, or the
// list's error when the default list cannot be loaded (it fails closed: no password is accepted
// unchecked).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "core/error.h"

namespace amanat::auth {

inline constexpr std::size_t kMinPasswordCodePoints = 12;
// The least zxcvbn estimate accepted, in bits (2^36 guesses, above zxcvbn's strongest score of
// 10^10): "Summer2024Kazakhstan" (30 bits) is refused, four words and a number (65-80) pass.
inline constexpr double kMinPasswordStrengthBits = 36;
inline constexpr std::size_t kMaxPasswordBytes = 256;

// Argon2id string ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), with a fresh random salt.
Result<std::string> hash_password(std::string_view password);
// True iff `hash` is a valid crypto_pwhash string and `password` matches it. False for a
// password longer than kMaxPasswordBytes without hashing it (no such password was stored).
bool verify_password(std::string_view hash, std::string_view password);
// True if `hash` was made with other limits or another algorithm, or cannot be parsed.
bool needs_rehash(std::string_view hash);

class CommonPasswords {
 public:
  static constexpr std::string_view kDefaultPath = "/usr/share/john/password.lst";

  static Result<CommonPasswords> load(const std::filesystem::path& file = kDefaultPath);
  // A list from the given words, for tests and for callers with their own list.
  static CommonPasswords from_words(std::span<const std::string_view> words);

  // Case-insensitive exact lookup (the whole of `password`, nothing stripped).
  bool contains(std::string_view password) const;
  std::size_t size() const { return words_.size(); }

 private:
  // No default constructor: `check_password_policy(pw, {})` must mean "no context words".
  explicit CommonPasswords(std::unordered_set<std::string> words) : words_(std::move(words)) {}
  std::unordered_set<std::string> words_;  // case-folded
};

// The policy above, with the given list.
Status check_password_policy(std::string_view password, const CommonPasswords& common,
                             std::span<const std::string_view> context_words = {});
// The policy above, with the list at CommonPasswords::kDefaultPath.
Status check_password_policy(std::string_view password,
                             std::span<const std::string_view> context_words = {});

}  // namespace amanat::auth
