#include "tlog/proof_file.h"

#include "tlog/merkle.h"

namespace amanat::tlog {

namespace {

// Reads the proof file's lines one at a time, counting them for messages.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  // The next line without its '\n'; an error if the text ends before a newline.
  Result<std::string_view> next() {
    ++line_;
    std::size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos)
      return fail(Errc::invalid, where() + (rest_.empty() ? "the file ends early"
                                                          : "the line does not end with a newline"));
    std::string_view line = rest_.substr(0, nl);
    rest_.remove_prefix(nl + 1);
    if (line.ends_with('\r'))
      return fail(Errc::invalid, where() + "carriage return; tlog-proof files use LF line endings");
    return line;
  }
  std::string where() const { return "tlog-proof line " + std::to_string(line_) + ": "; }
  std::size_t line() const { return line_; }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
  std::size_t line_ = 0;
};

}  // namespace

Result<ProofFile> parse_proof_file(std::string_view text) {
  if (text.size() > kMaxProofFileSize)
    return fail(Errc::invalid,
                "tlog-proof file is larger than " + std::to_string(kMaxProofFileSize) + " bytes");
  LineReader r(text);
  auto line = r.next();
  if (!line) return err(line);
  if (*line != kProofFileHeader)
    return fail(Errc::invalid, r.where() + "expected \"" + std::string(kProofFileHeader) + "\"");

  ProofFile p;
  if (line = r.next(); !line) return err(line);
  if (line->starts_with("extra")) {
    if (!line->starts_with("extra ") || line->size() == 6)
      return fail(Errc::invalid, r.where() + "expected \"extra <base64>\" with non-empty data "
                                             "(omit the line when there is none)");
    auto extra = from_base64(line->substr(6));
    if (!extra) return fail(Errc::invalid, r.where() + "extra data is not strict standard base64");
    p.extra = std::move(*extra);
    if (line = r.next(); !line) return err(line);
  }
  if (!line->starts_with("index "))
    return fail(Errc::invalid, r.where() + "expected \"index <decimal>\"");
  auto index = parse_decimal(line->substr(6));
  if (!index)
    return fail(Errc::invalid, r.where() + "the index must be a decimal number without sign or "
                                           "leading zeros that fits in 64 bits");
  p.index = *index;

  for (;;) {
    if (line = r.next(); !line) return err(line);
    if (line->empty()) break;
    if (p.inclusion.size() == kMaxInclusionProofHashes)
      return fail(Errc::invalid, r.where() + "more than " +
                                     std::to_string(kMaxInclusionProofHashes) +
                                     " inclusion proof hashes");
    auto h = hash_from_base64(*line);
    if (!h)
      return fail(Errc::invalid,
                  r.where() + "expected an inclusion proof hash (strict base64 of 32 bytes) or "
                              "the empty line before the checkpoint");
    p.inclusion.push_back(*h);
  }

  std::string context = "tlog-proof checkpoint starting at line " + std::to_string(r.line() + 1);
  auto note = parse_note(r.rest());
  if (!note) return std::unexpected(note.error().context(context));
  if (auto c = parse_checkpoint(note->text); !c) return std::unexpected(c.error().context(context));
  p.checkpoint = std::string(r.rest());
  return p;
}

Result<std::string> format_proof_file(const ProofFile& p) {
  if (p.extra && p.extra->empty())
    return fail(Errc::invalid, "tlog-proof extra data is empty; leave it unset instead");
  std::string out = std::string(kProofFileHeader) + "\n";
  if (p.extra) out += "extra " + to_base64(*p.extra) + "\n";
  out += "index " + std::to_string(p.index) + "\n";
  for (auto& h : p.inclusion) out += to_base64(h) + "\n";
  out += "\n";
  out += p.checkpoint;
  // Parsing the result checks the checkpoint and the limits exactly as a reader will.
  if (auto back = parse_proof_file(out); !back) return err(back);
  return out;
}

Result<VerifiedProof> verify_proof_file(std::string_view text, const Hash& leaf_hash,
                                        const ProofTrust& trust) {
  if (trust.witness_quorum > trust.witnesses.size())
    return fail(Errc::invalid, "witness quorum " + std::to_string(trust.witness_quorum) +
                                   " is larger than the " + std::to_string(trust.witnesses.size()) +
                                   " witnesses given");
  auto p = parse_proof_file(text);
  if (!p) return err(p);
  auto c = open_checkpoint(p->checkpoint, trust.log, trust.origin);
  if (!c) return std::unexpected(c.error().context("tlog-proof"));
  auto cosigs = verify_cosignatures(p->checkpoint, trust.witnesses);
  if (!cosigs) return std::unexpected(cosigs.error().context("tlog-proof"));
  if (cosigs->size() < trust.witness_quorum)
    return fail(Errc::corrupt, "tlog-proof: the checkpoint has " + std::to_string(cosigs->size()) +
                                   " valid cosignatures from trusted witnesses, " +
                                   std::to_string(trust.witness_quorum) + " are required");
  if (auto s = verify_inclusion(leaf_hash, p->index, c->size, p->inclusion, c->root); !s)
    return std::unexpected(s.error().context("tlog-proof inclusion proof"));
  return VerifiedProof{std::move(*p), std::move(*c), std::move(*cosigs)};
}

Result<VerifiedProof> verify_proof_file_for_entry(std::string_view text,
                                                  std::span<const std::uint8_t> entry,
                                                  const ProofTrust& trust) {
  return verify_proof_file(text, tlog::leaf_hash(entry), trust);
}

}  // namespace amanat::tlog
