// Text encodings that bank statement files come in, decoded to UTF-8 with glibc's iconv: the
// statement readers work on UTF-8 only. Internal to this folder (csv.cc, onec.cc and tests).
//
//  - Charset names as a user declares them (parse_charset): "utf-8", "windows-1251" (also
//    "cp1251"), "cp866" (DOS Cyrillic, which old 1C files declare as "DOS"), "utf-16",
//    "utf-16le", "utf-16be"; case does not matter.
//  - Decoder: stateful, fed any slices of the input; a sequence cut at the end of a slice is
//    completed by the next. Bytes that are invalid in the charset (a lone UTF-16 surrogate,
//    0x98 in Windows-1251, a truncated sequence at the end) are an error naming the line (the
//    number of line feeds decoded so far, plus one); nothing is replaced or guessed.
//  - DecodingStreambuf: a std::streambuf that reads another stream through a Decoder, so that
//    a reader written for UTF-8 reads any of these. A byte order mark at the start (UTF-8,
//    UTF-16LE or UTF-16BE) decides the charset over the declared one and is dropped; UTF-8 input
//    is passed through without conversion. On a decoding error it ends the stream early and
//    keeps the error, which the reader must check (error()) before trusting that it saw the end.
//
// Thread-safety: objects are not shared; separate objects may be used on separate threads.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/progress.h"

namespace amanat::books::import::detail {

enum class Charset { utf8, windows1251, cp866, utf16le, utf16be, utf16 /* LE unless a BOM says BE */ };

// The charset a user names, or nullopt.
std::optional<Charset> parse_charset(std::string_view name);
// Its name as parse_charset reads it, for messages: "windows-1251".
const char* charset_name(Charset c);

class Decoder {
 public:
  explicit Decoder(Charset c);  // Charset::utf16 decodes as UTF-16LE
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Appends the UTF-8 of `in` to `out`. `last`: no more input follows, so an incomplete
  // sequence kept from before is an error. Errc::invalid "line N: file: <reason>".
  Status decode(std::string_view in, bool last, std::string& out);

 private:
  Charset charset_;
  void* cd_ = nullptr;     // iconv_t, or null for UTF-8
  std::string pending_;    // an incomplete sequence from the previous slice
  std::uint64_t lines_ = 1;
};

class DecodingStreambuf : public std::streambuf {
 public:
  // `declared`: the charset the user declared (utf8 when none); `progress`, if given, gets the
  // number of raw bytes read so far.
  DecodingStreambuf(std::istream& in, Charset declared, Progress* progress = nullptr);

  // The decoding or reading error that ended the stream early, if any.
  const std::optional<Error>& error() const { return error_; }
  // The charset in use (after looking at the byte order mark), once the first read happened.
  Charset charset() const { return charset_; }

 protected:
  int_type underflow() override;

 private:
  std::istream& in_;
  Charset charset_;
  Progress* progress_;
  std::optional<Decoder> decoder_;
  bool started_ = false, done_ = false;
  std::uint64_t raw_ = 0;
  std::vector<char> raw_buf_;
  std::string out_;
  std::optional<Error> error_;
};

}  // namespace amanat::books::import::detail
