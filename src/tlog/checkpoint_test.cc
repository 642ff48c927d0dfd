// Checkpoints: the spec examples in testdata/tlog/checkpoint_and_witness_examples.txt parse and
// format back byte for byte; malformed bodies are refused with the line named; signing and
// opening against a log key and origin.
#include "tlog/checkpoint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tlog/cosignature.h"

namespace amanat::tlog {
namespace {

// The text between "=== BEGIN id ===\n" and "=== END id ===" in the examples file.
std::string example(std::string_view id) {
  std::ifstream in(AMANAT_TESTDATA "/tlog/checkpoint_and_witness_examples.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  std::string begin = "=== BEGIN " + std::string(id) + " ===\n";
  std::string end = "=== END " + std::string(id) + " ===";
  auto b = all.find(begin);
  auto e = all.find(end);
  if (b == std::string::npos || e == std::string::npos) throw std::runtime_error("no example");
  return all.substr(b + begin.size(), e - b - begin.size());
}

const std::string kRoot64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

Checkpoint sample() {
  Checkpoint c;
  c.origin = "example.org/amanat/test";
  c.size = 42;
  c.root = *hash_from_base64(kRoot64);
  return c;
}

Signer test_signer(std::string_view name, std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return *Signer::from_seed(name, seed);
}

TEST(Checkpoint, ParsesSpecExampleAndFormatsItBackByteForByte) {
  for (auto id : {"c2sp-tlog-checkpoint-example", "c2sp-cosigned-checkpoint-example"}) {
    SCOPED_TRACE(id);
    std::string note = example(id);
    auto parsed = parse_note(note);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto c = parse_checkpoint(parsed->text);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
    EXPECT_EQ(c->size, 20852163u);
    EXPECT_EQ(to_base64(c->root), kRoot64);
    EXPECT_TRUE(c->extensions.empty());
    EXPECT_EQ(format_checkpoint(*c).value(), parsed->text);
    // The log's line: key name = origin, key ID 033de0ae, 64-byte Ed25519 signature.
    EXPECT_EQ(parsed->signatures[0].name, c->origin);
    EXPECT_EQ(parsed->signatures[0].key_id, 0x033de0aeu);
    EXPECT_EQ(parsed->signatures[0].signature.size(), 64u);
  }
}

TEST(Checkpoint, CheckpointInsideTheWitnessRequestExampleParses) {
  // tlog-witness add-checkpoint body: proof lines, a blank line, then the checkpoint, which
  // carries two log signatures under one name with different key IDs.
  std::string body = example("c2sp-witness-add-checkpoint-request");
  std::string note = body.substr(body.find("\n\n") + 2);
  auto parsed = parse_note(note);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->signatures.size(), 2u);
  EXPECT_NE(parsed->signatures[0].key_id, parsed->signatures[1].key_id);
  EXPECT_TRUE(parse_checkpoint(parsed->text));
}

TEST(Checkpoint, ExtensionLinesAndExtremeSizesRoundTrip) {
  for (std::string text :
       {"o\n0\n" + kRoot64 + "\n", "o\n18446744073709551615\n" + kRoot64 + "\n",
        "example.com/log\n7\n" + kRoot64 + "\next one\n\xE2\x80\x94 two\n",
        "origin with spaces+plus\n1\n" + kRoot64 + "\n"}) {
    SCOPED_TRACE(text);
    auto c = parse_checkpoint(text);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(format_checkpoint(*c).value(), text);
  }
  auto c = parse_checkpoint("example.com/log\n7\n" + kRoot64 + "\nA\nB\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->extensions, (std::vector<std::string>{"A", "B"}));
}

TEST(Checkpoint, MalformedBodiesAreInvalidAndNameTheLine) {
  struct Case {
    std::string text, want;
  };
  const Case cases[] = {
      {"", "end with a newline"},
      {"o\n1\n" + kRoot64, "end with a newline"},
      {"o\n1\n", "at least three lines"},
      {"\n1\n" + kRoot64 + "\n", "line 1"},
      {"o\n01\n" + kRoot64 + "\n", "line 2"},
      {"o\n-1\n" + kRoot64 + "\n", "line 2"},
      {"o\n+1\n" + kRoot64 + "\n", "line 2"},
      {"o\n 1\n" + kRoot64 + "\n", "line 2"},
      {"o\n1.0\n" + kRoot64 + "\n", "line 2"},
      {"o\n\n" + kRoot64 + "\n", "line 2"},
      {"o\n18446744073709551616\n" + kRoot64 + "\n", "line 2"},
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", "line 3"},  // 31 bytes
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "line 3"},  // padding bits
      {"o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "line 3"},  // URL alphabet
      {"o\n1\n" + kRoot64 + " \n", "line 3"},
      {"o\n1\n" + kRoot64 + "\n\n", "line 4"},
      {"o\n1\n" + kRoot64 + "\next\n\n", "line 5"},
      {"o\r\n1\n" + kRoot64 + "\n", "carriage return"},
      {"o\x7F\x01\n1\n" + kRoot64 + "\n", "control character"},
      {"\xC3\n1\n" + kRoot64 + "\n", "invalid UTF-8"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_checkpoint(c.text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
  }
}

TEST(Checkpoint, FormatRefusesWhatCouldNotBeParsedBack) {
  auto bad = [](auto change) {
    Checkpoint c = sample();
    change(c);
    auto r = format_checkpoint(c);
    return !r && r.error().code == Errc::invalid;
  };
  EXPECT_TRUE(bad([](Checkpoint& c) { c.origin.clear(); }));
  EXPECT_TRUE(bad([](Checkpoint& c) { c.origin = "a\nb"; }));
  EXPECT_TRUE(bad([](Checkpoint& c) { c.origin = "a\x01"; }));
  EXPECT_TRUE(bad([](Checkpoint& c) { c.origin = "a\xFF"; }));
  EXPECT_TRUE(bad([](Checkpoint& c) { c.extensions = {""}; }));
  EXPECT_TRUE(bad([](Checkpoint& c) { c.extensions = {"x\ny"}; }));
  EXPECT_EQ(format_checkpoint(sample()).value(), "example.org/amanat/test\n42\n" + kRoot64 + "\n");
}

TEST(Checkpoint, SignedCheckpointOpensOnlyWithTheLogKeyAndExpectedOrigin) {
  Signer log = test_signer("example.org/amanat/test", 7);
  Signer other = test_signer("example.org/other", 8);
  auto note = sign_checkpoint(sample(), log);
  ASSERT_TRUE(note) << note.error().message;

  auto c = open_checkpoint(*note, log.verifier());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c, sample());
  EXPECT_TRUE(open_checkpoint(*note, log.verifier(), "example.org/amanat/test"));

  auto wrong_origin = open_checkpoint(*note, log.verifier(), "example.org/amanat/prod");
  ASSERT_FALSE(wrong_origin);
  EXPECT_EQ(wrong_origin.error().code, Errc::corrupt);
  EXPECT_NE(wrong_origin.error().message.find("example.org/amanat/prod"), std::string::npos);

  auto wrong_key = open_checkpoint(*note, other.verifier());
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code, Errc::corrupt);
}

TEST(Checkpoint, OtherSignaturesIncludingCosignaturesDoNotDisturbOpening) {
  Signer log = test_signer("example.org/amanat/test", 7);
  Signer other = test_signer("example.org/other", 8);
  auto text = format_checkpoint(sample()).value();
  auto w = WitnessSigner::from_signer(other, "witness.example.org/w1").value();
  auto with_cosig = add_signatures(sign_checkpoint(sample(), log).value(), w.cosign(text, 1).value());
  ASSERT_TRUE(with_cosig);
  EXPECT_TRUE(open_checkpoint(*with_cosig, log.verifier()));
  // A note signed only by someone else is not this log's checkpoint.
  auto foreign = sign_note(text, other).value();
  auto r = open_checkpoint(foreign, log.verifier());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
}

TEST(Checkpoint, SignedNoteThatIsNotACheckpointIsInvalid) {
  Signer log = test_signer("example.org/amanat/test", 7);
  auto r = open_checkpoint(sign_note("hello\n", log).value(), log.verifier());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);
}

TEST(Checkpoint, FlippingAnyByteOfASignedCheckpointFails) {
  Signer log = test_signer("example.org/amanat/test", 7);
  Checkpoint cp = sample();
  cp.extensions = {"ext"};
  std::string note = sign_checkpoint(cp, log).value();
  for (std::size_t i = 0; i < note.size(); ++i)
    for (std::uint8_t mask : {0x01, 0x04, 0x40, 0x80}) {
      std::string m = note;
      m[i] = static_cast<char>(m[i] ^ mask);
      EXPECT_FALSE(open_checkpoint(m, log.verifier(), cp.origin)) << "byte " << i;
    }
}

}  // namespace
}  // namespace amanat::tlog
