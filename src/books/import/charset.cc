#include "books/import/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>

#include "books/import/fields.h"

namespace amanat::books::import::detail {

namespace {

constexpr std::size_t kChunk = std::size_t{64} << 10;

const char* iconv_name(Charset c) {
  switch (c) {
    case Charset::windows1251: return "WINDOWS-1251";
    case Charset::cp866: return "CP866";
    case Charset::utf16le:
    case Charset::utf16: return "UTF-16LE";
    case Charset::utf16be: return "UTF-16BE";
    case Charset::utf8: break;
  }
  return nullptr;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::optional<Charset> parse_charset(std::string_view name) {
  std::string n = lower(trim(name));
  if (n == "utf-8" || n == "utf8") return Charset::utf8;
  if (n == "windows-1251" || n == "cp1251" || n == "windows1251") return Charset::windows1251;
  if (n == "cp866" || n == "ibm866") return Charset::cp866;
  if (n == "utf-16" || n == "utf16") return Charset::utf16;
  if (n == "utf-16le") return Charset::utf16le;
  if (n == "utf-16be") return Charset::utf16be;
  return std::nullopt;
}

const char* charset_name(Charset c) {
  switch (c) {
    case Charset::utf8: return "utf-8";
    case Charset::windows1251: return "windows-1251";
    case Charset::cp866: return "cp866";
    case Charset::utf16: return "utf-16";
    case Charset::utf16le: return "utf-16le";
    case Charset::utf16be: return "utf-16be";
  }
  return "utf-8";
}

Decoder::Decoder(Charset c) : charset_(c) {
  if (const char* from = iconv_name(c)) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd != reinterpret_cast<iconv_t>(-1)) cd_ = cd;
  }
}

Decoder::~Decoder() {
  if (cd_) iconv_close(static_cast<iconv_t>(cd_));
}

Status Decoder::decode(std::string_view in, bool last, std::string& out) {
  auto invalid = [&](std::size_t produced_from) {
    lines_ += static_cast<std::uint64_t>(
        std::count(out.begin() + static_cast<std::ptrdiff_t>(produced_from), out.end(), '\n'));
    return fail_at(lines_, "file",
                   std::string("is not valid ") + charset_name(charset_) +
                       " text (a byte sequence that is no character in it); is the encoding "
                       "declared right?");
  };
  const std::size_t start = out.size();
  if (charset_ == Charset::utf8) {
    out.append(in);
    return {};
  }
  if (!cd_) return fail(Errc::internal, std::string("iconv cannot decode ") + charset_name(charset_));
  std::string data;
  std::string_view src = in;
  if (!pending_.empty()) {
    data = pending_ + std::string(in);
    pending_.clear();
    src = data;
  }
  char* ip = const_cast<char*>(src.data());
  std::size_t il = src.size();
  while (il > 0) {
    std::size_t at = out.size();
    out.resize(at + il * 3 + 16);  // UTF-8 takes at most 3 bytes per UTF-16 unit or 1251 byte
    char* op = out.data() + at;
    std::size_t ol = out.size() - at;
    std::size_t r = iconv(static_cast<iconv_t>(cd_), &ip, &il, &op, &ol);
    out.resize(static_cast<std::size_t>(op - out.data()));
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !last) {  // a sequence cut at the end of this slice
      pending_.assign(ip, il);
      break;
    }
    return invalid(start);
  }
  lines_ += static_cast<std::uint64_t>(
      std::count(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), '\n'));
  return {};
}

DecodingStreambuf::DecodingStreambuf(std::istream& in, Charset declared, Progress* progress)
    : in_(in), charset_(declared), progress_(progress), raw_buf_(kChunk) {}

DecodingStreambuf::int_type DecodingStreambuf::underflow() {
  while (gptr() == egptr()) {
    if (done_) return traits_type::eof();
    in_.read(raw_buf_.data(), static_cast<std::streamsize>(raw_buf_.size()));
    std::size_t n = static_cast<std::size_t>(in_.gcount());
    if (in_.bad() || (in_.fail() && !in_.eof())) {
      error_ = Error{Errc::unavailable,
                     "reading the statement failed after " + std::to_string(raw_) + " bytes"};
      done_ = true;
      return traits_type::eof();
    }
    bool last = in_.eof();
    raw_ += n;
    if (progress_) progress_->update(raw_);
    std::string_view raw(raw_buf_.data(), n);
    if (!started_) {
      started_ = true;
      auto starts = [&](std::string_view bom) { return raw.starts_with(bom); };
      if (starts("\xEF\xBB\xBF")) {
        charset_ = Charset::utf8;
        raw.remove_prefix(3);
      } else if (starts("\xFF\xFE")) {
        charset_ = Charset::utf16le;
        raw.remove_prefix(2);
      } else if (starts("\xFE\xFF")) {
        charset_ = Charset::utf16be;
        raw.remove_prefix(2);
      } else if (charset_ == Charset::utf16) {
        charset_ = Charset::utf16le;
      }
      decoder_.emplace(charset_);
    }
    out_.clear();
    if (auto st = decoder_->decode(raw, last, out_); !st) {
      error_ = st.error();
      done_ = true;
      return traits_type::eof();
    }
    done_ = last;
    setg(out_.data(), out_.data(), out_.data() + out_.size());
  }
  return traits_type::to_int_type(*gptr());
}

}  // namespace amanat::books::import::detail
