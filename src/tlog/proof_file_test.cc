// tlog-proof files: exact layout, strict parsing with line numbers, verification of every index
// of a small tree against a log key and a witness quorum, and byte-flip mutation.
#include "tlog/proof_file.h"

#include <gtest/gtest.h>

#include "tlog/merkle.h"

namespace amanat::tlog {
namespace {

std::array<std::uint8_t, 32> seed_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> s;
  s.fill(fill);
  return s;
}

// A 13-entry log signed by its key and cosigned by two witnesses, with proofs for every entry.
struct Fixture {
  Signer log = *Signer::from_seed("example.org/amanat/log", seed_of(1));
  WitnessSigner w1 = *WitnessSigner::from_signer(*Signer::from_seed("o1", seed_of(2)), "w1.example");
  WitnessSigner w2 = *WitnessSigner::from_signer(*Signer::from_seed("o2", seed_of(3)), "w2.example");
  std::vector<std::string> entries;
  MemoryHashSource tree{{}};
  std::string signed_checkpoint;

  Fixture() {
    std::vector<Hash> leaves;
    for (int i = 0; i < 13; ++i) {
      entries.push_back("entry " + std::to_string(i));
      leaves.push_back(leaf_hash(as_bytes(entries.back())));
    }
    tree = MemoryHashSource(leaves);
    Checkpoint c{"example.org/amanat/log", 13, *tree_root(tree, 13), {}};
    auto text = *format_checkpoint(c);
    signed_checkpoint = *add_signatures(*sign_checkpoint(c, log),
                                        *w1.cosign(text, 1700000000) + *w2.cosign(text, 1700000001));
  }
  ProofFile proof(std::uint64_t index) {
    return ProofFile{std::nullopt, index, *inclusion_proof(tree, index, 13), signed_checkpoint};
  }
  ProofTrust trust(std::size_t quorum) {
    return ProofTrust{log.verifier(), "example.org/amanat/log", {w1.verifier(), w2.verifier()},
                      quorum};
  }
};

TEST(ProofFile, FormatFollowsTheSpecLayoutExactly) {
  Fixture f;
  ProofFile p = f.proof(5);
  p.extra = Bytes{'h', 'i'};
  std::string want = "c2sp.org/tlog-proof@v1\nextra aGk=\nindex 5\n";
  for (auto& h : p.inclusion) want += to_base64(h) + "\n";
  want += "\n" + f.signed_checkpoint;
  EXPECT_EQ(format_proof_file(p).value(), want);
  p.extra.reset();
  EXPECT_EQ(format_proof_file(p).value().substr(0, 31), "c2sp.org/tlog-proof@v1\nindex 5\n");
}

TEST(ProofFile, ParseAndFormatRoundTrip) {
  Fixture f;
  for (std::uint64_t i = 0; i < 13; ++i) {
    for (bool extra : {false, true}) {
      ProofFile p = f.proof(i);
      if (extra) p.extra = Bytes{0, 1, 2, 3, 4};
      auto text = format_proof_file(p);
      ASSERT_TRUE(text) << text.error().message;
      auto back = parse_proof_file(*text);
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(*back, p);
    }
  }
}

TEST(ProofFile, VerifiesEveryIndexByLeafHashAndByEntry) {
  Fixture f;
  for (std::uint64_t i = 0; i < 13; ++i) {
    SCOPED_TRACE(i);
    std::string text = *format_proof_file(f.proof(i));
    auto v = verify_proof_file_for_entry(text, as_bytes(f.entries[i]), f.trust(2));
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->checkpoint.size, 13u);
    EXPECT_EQ(v->proof.index, i);
    ASSERT_EQ(v->cosignatures.size(), 2u);
    EXPECT_EQ(v->cosignatures[0].timestamp, 1700000000u);
    EXPECT_TRUE(verify_proof_file(text, leaf_hash(as_bytes(f.entries[i])), f.trust(0)));
  }
}

TEST(ProofFile, SingleEntryTreeHasNoProofLines) {
  Signer log = *Signer::from_seed("example.org/one", seed_of(9));
  Hash leaf = leaf_hash(as_bytes(std::string_view("only")));
  Checkpoint c{"example.org/one", 1, leaf, {}};
  ProofFile p{std::nullopt, 0, {}, *sign_checkpoint(c, log)};
  std::string text = *format_proof_file(p);
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nindex 0\n\nexample.org/one\n1\n"));
  EXPECT_TRUE(verify_proof_file(text, leaf, ProofTrust{log.verifier(), std::nullopt, {}, 0}));
}

TEST(ProofFile, WrongEntryWrongIndexOrWrongLogFails) {
  Fixture f;
  std::string text = *format_proof_file(f.proof(4));
  auto r = verify_proof_file_for_entry(text, as_bytes(f.entries[5]), f.trust(0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);

  ProofFile out_of_range = f.proof(4);
  out_of_range.index = 13;
  r = verify_proof_file_for_entry(*format_proof_file(out_of_range), as_bytes(f.entries[4]),
                                  f.trust(0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);

  ProofTrust other = f.trust(0);
  other.log = Signer::from_seed("example.org/amanat/log", seed_of(42))->verifier();
  r = verify_proof_file_for_entry(text, as_bytes(f.entries[4]), other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);

  ProofTrust elsewhere = f.trust(0);
  elsewhere.origin = "example.org/amanat/other";
  r = verify_proof_file_for_entry(text, as_bytes(f.entries[4]), elsewhere);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
}

TEST(ProofFile, WitnessQuorumIsEnforced) {
  Fixture f;
  // Only w1's cosignature: drop w2's line.
  Checkpoint c = *open_checkpoint(f.signed_checkpoint, f.log.verifier());
  std::string only_w1 = *add_signatures(*sign_checkpoint(c, f.log),
                                        *f.w1.cosign(*format_checkpoint(c), 1700000000));
  ProofFile p = f.proof(3);
  p.checkpoint = only_w1;
  std::string text = *format_proof_file(p);
  EXPECT_TRUE(verify_proof_file_for_entry(text, as_bytes(f.entries[3]), f.trust(1)));
  auto r = verify_proof_file_for_entry(text, as_bytes(f.entries[3]), f.trust(2));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().message.find("1 valid cosignatures"), std::string::npos);
  r = verify_proof_file_for_entry(text, as_bytes(f.entries[3]), f.trust(3));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);
}

TEST(ProofFile, MalformedFilesAreInvalidAndNameTheLine) {
  Fixture f;
  const std::string cp = f.signed_checkpoint;
  const std::string h = to_base64(f.proof(0).inclusion[0]);
  std::string too_many = "c2sp.org/tlog-proof@v1\nindex 0\n";
  for (int i = 0; i < 65; ++i) too_many += h + "\n";
  struct Case {
    std::string text, want;
  };
  const Case cases[] = {
      {"", "line 1: the file ends early"},
      {"c2sp.org/tlog-proof@v1", "line 1: the line does not end with a newline"},
      {"c2sp.org/tlog-proof@v2\nindex 0\n\n" + cp, "line 1: expected"},
      {"c2sp.org/tlog-proof@v1\r\nindex 0\n\n" + cp, "line 1: carriage return"},
      {"\nc2sp.org/tlog-proof@v1\nindex 0\n\n" + cp, "line 1: expected"},
      {"c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n" + cp, "line 2: expected \"extra"},
      {"c2sp.org/tlog-proof@v1\nextra\nindex 0\n\n" + cp, "line 2: expected \"extra"},
      {"c2sp.org/tlog-proof@v1\nextra aGl=\nindex 0\n\n" + cp, "line 2: extra data is not"},
      {"c2sp.org/tlog-proof@v1\nextra aGk=\nextra aGk=\nindex 0\n\n" + cp, "line 3: expected \"index"},
      {"c2sp.org/tlog-proof@v1\n\n" + cp, "line 2: expected \"index"},
      {"c2sp.org/tlog-proof@v1\nindex 01\n\n" + cp, "line 2: the index"},
      {"c2sp.org/tlog-proof@v1\nindex -1\n\n" + cp, "line 2: the index"},
      {"c2sp.org/tlog-proof@v1\nindex  1\n\n" + cp, "line 2: the index"},
      {"c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n" + cp, "line 2: the index"},
      {"c2sp.org/tlog-proof@v1\nIndex 1\n\n" + cp, "line 2: expected \"index"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n" + h + "\nnot a hash\n\n" + cp, "line 4: expected an inclusion"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n" + h.substr(0, 40) + "==\n\n" + cp, "line 3: expected an inclusion"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n" + cp, "line 3: expected an inclusion"},
      {too_many + "\n" + cp, "line 67: more than 64"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n" + h + "\n", "line 4: the file ends early"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n\n", "checkpoint starting at line 4"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n\n\n" + cp, "checkpoint starting at line 4"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n\n" + cp.substr(0, cp.size() - 1), "checkpoint starting at line 4"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n\nhello\n\n" + cp.substr(cp.find("\xE2\x80\x94")),
       "checkpoint starting at line 4: checkpoint needs at least three lines"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 80));
    auto r = parse_proof_file(c.text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
  }
}

TEST(ProofFile, SpecExampleIsRejectedOnlyForItsElidedSignatures) {
  // tlog-proof.md's example, whose signatures the spec shortens with "[...]".
  const std::string spec =
      "c2sp.org/tlog-proof@v1\n"
      "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
      "index 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
      "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
      "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
      "\n"
      "example.com/fancylog\n"
      "109482\n"
      "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
      "\n"
      "\xE2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n"
      "\xE2\x80\x94 witness1.example mJirIklj[...]qY9v2B/5bg==\n";
  auto r = parse_proof_file(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("checkpoint starting at line 10: signed note line 5: "
                                   "signature is not strict"),
            std::string::npos)
      << r.error().message;
  // With a well-formed signature line in place of the elided ones it parses.
  std::string fixed = spec.substr(0, spec.find("\xE2\x80\x94")) +
                      "\xE2\x80\x94 example.com/fancylog hI2DJwAAAAA=\n";
  auto p = parse_proof_file(fixed);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->index, 73894u);
  EXPECT_EQ(p->inclusion.size(), 5u);
  EXPECT_EQ(std::string(p->extra->begin(), p->extra->begin() + 30), "age-v1.2.1-darwin-arm64.tar.gz");
  EXPECT_EQ(format_proof_file(*p).value(), fixed);
}

TEST(ProofFile, FormatRefusesWhatCouldNotBeParsedBack) {
  Fixture f;
  ProofFile p = f.proof(1);
  p.extra = Bytes{};
  EXPECT_FALSE(format_proof_file(p));
  p = f.proof(1);
  p.inclusion.resize(65);
  EXPECT_FALSE(format_proof_file(p));
  p = f.proof(1);
  p.checkpoint = "not a note\n";
  EXPECT_FALSE(format_proof_file(p));
}

TEST(ProofFile, FlippingAnyByteFailsParsingOrVerification) {
  Fixture f;
  std::string text = *format_proof_file(f.proof(6));
  auto entry = as_bytes(f.entries[6]);
  ASSERT_TRUE(verify_proof_file_for_entry(text, entry, f.trust(2)));
  for (std::size_t i = 0; i < text.size(); ++i)
    for (std::uint8_t mask : {0x01, 0x08, 0x80}) {
      std::string m = text;
      m[i] = static_cast<char>(m[i] ^ mask);
      EXPECT_FALSE(verify_proof_file_for_entry(m, entry, f.trust(2)))
          << "byte " << i << " mask " << int(mask);
    }
}

TEST(ProofFile, ExtraDataIsNotAuthenticated) {
  // The spec: applications MUST NOT implicitly trust it. Changing it keeps the proof valid, so
  // callers have to treat VerifiedProof::proof.extra as a hint only.
  Fixture f;
  ProofFile p = f.proof(2);
  p.extra = Bytes{'a', 'b', 'c'};
  std::string text = *format_proof_file(p);
  p.extra = Bytes{'x', 'y', 'z'};
  std::string changed = *format_proof_file(p);
  auto a = verify_proof_file_for_entry(text, as_bytes(f.entries[2]), f.trust(2));
  auto b = verify_proof_file_for_entry(changed, as_bytes(f.entries[2]), f.trust(2));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->proof.extra, b->proof.extra);
}

}  // namespace
}  // namespace amanat::tlog
