#include "books/import/camt053.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace amanat::books::import {
namespace {

// Invented accounts with valid IBAN check digits, and an invented donor.
constexpr const char* kOwn = "KZ76125KZT1001300123";
constexpr const char* kDonor = "KZ49722C000022223333";
constexpr const char* kSecret = "Secret Donor Name";

Result<Statement> parse(const std::string& xml) {
  std::istringstream in(xml);
  return parse_camt053(in);
}

Money m(std::int64_t minor, std::string_view code) { return Money{minor, *currency(code)}; }

// A statement whose first entry starts on line 6.
std::string doc(const std::string& entries, const std::string& version = "08") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001." +
         version +
         "\">\n"
         "<BkToCstmrStmt><GrpHdr><MsgId>T-1</MsgId></GrpHdr>\n"
         "<Stmt><Id>S-1</Id>\n"
         "<Acct><Id><IBAN>" +
         std::string(kOwn) + "</IBAN></Id></Acct>\n" + entries +
         "\n</Stmt></BkToCstmrStmt></Document>\n";
}

// One entry on lines 6-15 of doc(): Amt on line 7, CdtDbtInd 8, Sts 9, BookgDt 10; an empty
// string leaves that line blank (the element is missing, the line numbers stay).
std::string entry(const std::string& amt = "<Amt Ccy=\"KZT\">100.00</Amt>",
                  const std::string& ind = "<CdtDbtInd>CRDT</CdtDbtInd>",
                  const std::string& sts = "<Sts><Cd>BOOK</Cd></Sts>",
                  const std::string& date = "<BookgDt><Dt>2025-03-03</Dt></BookgDt>") {
  return "<Ntry>\n" + amt + "\n" + ind + "\n" + sts + "\n" + date + "\n" +
         "<NtryDtls><TxDtls>\n"
         "<RltdPties><DbtrAcct><Id><IBAN>" +
         kDonor +
         "</IBAN></Id></DbtrAcct></RltdPties>\n"
         "<RmtInf><Ustrd>" +
         kSecret +
         "</Ustrd></RmtInf>\n"
         "</TxDtls></NtryDtls>\n"
         "</Ntry>";
}

void expect_private(const Error& e) {
  EXPECT_EQ(e.message.find(kDonor), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("KZ49"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(kSecret), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("Secret"), std::string::npos) << e.message;
}

void expect_error(const Result<Statement>& r, const std::string& prefix, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << prefix;
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message.rfind(prefix, 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  expect_private(r.error());
}

TEST(Camt053, ReadsTheSampleStatement) {
  auto st = parse_camt053_file(AMANAT_TESTDATA "/import/camt053_v08_sample.xml");
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->format, "camt.053.001.08");
  const std::string usd_acct = "KZ63998USD0000777001";
  const std::vector<StatementLine> want = {
      {43, kOwn, "2025-03-03", m(1500000, "KZT"), "EXMP250303000117", kDonor,
       "Donation for the shelter from Dana Example"},
      {70, kOwn, "2025-03-05", m(-25000000, "KZT"), "EXMP250305000042", "KZ85601A871000345678",
       "Rent March 2025, shelter building"},
      // The batch: one line per TxDtls, with its own reference where it has one.
      {101, kOwn, "2025-03-10", m(500000, "KZT"), "EXMP250310000501", "KZ89856KZT5544332211",
       "Monthly gift, Erlan Sample"},
      {101, kOwn, "2025-03-10", m(750050, "KZT"), "EXMP250310000502", "KZ06125KZT2002400456",
       "For the hotline"},
      {101, kOwn, "2025-03-10", m(250000, "KZT"), "EXMP250310000500", "DE89370400440532013000", ""},
      {128, kOwn, "2025-03-31", m(-70000, "KZT"), "EXMP250331000001", "", ""},
      {151, usd_acct, "2025-03-14", m(25000, "USD"), "USD-N-0001", "DE41500105170123456789",
       "Spende / donation"},
  };
  ASSERT_EQ(st->lines.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(st->lines[i], want[i]) << "line " << i;
}

TEST(Camt053, ReportsEachBadEntryAtItsLineWithoutPersonalData) {
  struct Case {
    const char* name;
    std::string entry;
    const char* prefix;
    const char* part;
  };
  const Case cases[] = {
      {"missing amount", entry(""), "line 6: Ntry/Amt: ", "missing"},
      {"missing Ccy", entry("<Amt>100.00</Amt>"), "line 7: Ntry/Amt: ", "Ccy attribute"},
      {"unknown currency", entry("<Amt Ccy=\"KZX\">100.00</Amt>"),
       "line 7: Ntry/Amt: ", "unknown currency code \"KZX\""},
      {"lower-case currency", entry("<Amt Ccy=\"kzt\">100.00</Amt>"),
       "line 7: Ntry/Amt: ", "upper case"},
      {"fund code", entry("<Amt Ccy=\"XAU\">100.00</Amt>"), "line 7: Ntry/Amt: ", "precious metal"},
      {"three decimals for KZT", entry("<Amt Ccy=\"KZT\">100.005</Amt>"),
       "line 7: Ntry/Amt: ", "KZT has 2 decimal places"},
      {"negative", entry("<Amt Ccy=\"KZT\">-100.00</Amt>"),
       "line 7: Ntry/Amt: ", "\"-100.00\" is negative"},
      {"two points", entry("<Amt Ccy=\"KZT\">1.000.00</Amt>"), "line 7: Ntry/Amt: ",
       "\"1.000.00\" is not a decimal number"},
      {"only a point", entry("<Amt Ccy=\"KZT\">.</Amt>"), "line 7: Ntry/Amt: ", "not a decimal"},
      {"too large", entry("<Amt Ccy=\"KZT\">99999999999999999999</Amt>"), "line 7: Ntry/Amt: ",
       "too large"},
      {"zero", entry("<Amt Ccy=\"KZT\">0.00</Amt>"), "line 7: Ntry/Amt: ", "zero"},
      {"decimal comma", entry("<Amt Ccy=\"KZT\">100,00</Amt>"), "line 7: Ntry/Amt: ", "\"100,00\""},
      {"exponent", entry("<Amt Ccy=\"KZT\">1e3</Amt>"), "line 7: Ntry/Amt: ", "\"1e3\""},
      {"empty amount", entry("<Amt Ccy=\"KZT\"> </Amt>"), "line 7: Ntry/Amt: ", "empty"},
      {"a name where the amount belongs",
       entry(std::string("<Amt Ccy=\"KZT\">") + kSecret + "</Amt>"),
       "line 7: Ntry/Amt: ", "not shown"},
      {"amount twice", entry("<Amt Ccy=\"KZT\">1.00</Amt><Amt Ccy=\"KZT\">2.00</Amt>"),
       "line 7: Ntry/Amt: ", "twice"},
      {"amount with a child element", entry("<Amt Ccy=\"KZT\">1<b/>00</Amt>"),
       "line 7: Ntry/Amt: ", "child element"},
      {"missing indicator", entry(std::string("<Amt Ccy=\"KZT\">100.00</Amt>"), ""),
       "line 6: Ntry/CdtDbtInd: ", "missing"},
      {"bad indicator", entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRED</CdtDbtInd>"),
       "line 8: Ntry/CdtDbtInd: ", "\"CRED\" is neither CRDT nor DBIT"},
      {"missing status", entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", ""),
       "line 6: Ntry/Sts: ", "missing"},
      {"unknown status",
       entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>",
             "<Sts><Cd>HOLD</Cd></Sts>"),
       "line 9: Ntry/Sts: ", "\"HOLD\" is not an entry status"},
      {"proprietary status",
       entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>",
             "<Sts><Prtry>X1</Prtry></Sts>"),
       "line 9: Ntry/Sts: ", "no status code"},
      {"missing booking date",
       entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>",
             "<Sts><Cd>BOOK</Cd></Sts>", ""),
       "line 6: Ntry/BookgDt: ", "missing"},
      {"29 February 2025",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><Dt>2025-02-29</Dt></BookgDt>"),
       "line 10: Ntry/BookgDt/Dt: ", "\"2025-02-29\" is not a real calendar date"},
      {"dotted date",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><Dt>03.03.2025</Dt></BookgDt>"),
       "line 10: Ntry/BookgDt/Dt: ", "YYYY-MM-DD"},
      {"date with garbage after it",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><Dt>2025-03-03x</Dt></BookgDt>"),
       "line 10: Ntry/BookgDt/Dt: ", "\"2025-03-03x\""},
      {"date-time with a space",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><DtTm>2025-03-03 10:00:00</DtTm></BookgDt>"),
       "line 10: Ntry/BookgDt/DtTm: ", "hh:mm:ss"},
      {"year 0025",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><Dt>0025-03-03</Dt></BookgDt>"),
       "line 10: Ntry/BookgDt/Dt: ", "1900-2999"},
      {"both Dt and DtTm",
       entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts>BOOK</Sts>",
             "<BookgDt><Dt>2025-03-03</Dt><DtTm>2025-03-03T10:00:00</DtTm></BookgDt>"),
       "line 10: Ntry/BookgDt: ", "both"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_error(parse(doc(c.entry)), c.prefix, c.part);
  }
}

TEST(Camt053, ReportsTheFirstBadEntry) {
  std::string two = entry("<Amt Ccy=\"KZT\">1.001</Amt>") + "\n" +  // lines 6-15, Amt on 7
                    entry("");                                      // lines 16-25
  expect_error(parse(doc(two)), "line 7: Ntry/Amt: ", "decimal places");
  std::string swapped = entry("") + "\n" + entry("<Amt Ccy=\"KZT\">1.001</Amt>");
  expect_error(parse(doc(swapped)), "line 6: Ntry/Amt: ", "missing");
}

TEST(Camt053, AcceptsNamespaceVersions01Through13) {
  // .02 writes the status as text and has no TxDtls/Amt; .04 on write <Sts><Cd>.
  const std::string v02_entry =
      "<Ntry><Amt Ccy=\"EUR\">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>"
      "<BookgDt><Dt>2024-12-31</Dt></BookgDt><AcctSvcrRef>R-02</AcctSvcrRef></Ntry>";
  for (const char* v : {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"}) {
    SCOPED_TRACE(v);
    std::string e = v02_entry;
    if (std::string(v) >= "04")
      e.replace(e.find("<Sts>BOOK</Sts>"), 15, "<Sts><Cd>BOOK</Cd></Sts>");
    auto st = parse(doc(e, v));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->format, std::string("camt.053.001.") + v);
    ASSERT_EQ(st->lines.size(), 1u);
    EXPECT_EQ(st->lines[0].amount, m(-1250, "EUR"));
    EXPECT_EQ(st->lines[0].bank_ref, "R-02");
  }
}

TEST(Camt053, RefusesOtherDocuments) {
  struct Case {
    std::string xml;
    const char* part;
  };
  const std::string body = "><BkToCstmrStmt/></Document>";
  const Case cases[] = {
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.08\"" + body,
       "account report"},
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\"" + body, "notification"},
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"" + body,
       "\"pain.001.001.09\""},
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.8\"" + body,
       "not a known ISO 20022 message"},
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.003.04\"" + body,
       "\"camt.053.003.04\", not a camt.052, camt.053 or camt.054"},
      {"<Document><BkToCstmrAcctRpt/></Document>", "\"camt.052\" (a bank-to-customer account"},
      {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08 KZ49722C000022223333\"" +
           body,
       "not a known"},
      {"<Document><Stmt/></Document>", "has no BkToCstmrStmt, BkToCstmrAcctRpt or"},
      {"<Document xmlns=\"http://example.org/KZ49722C000022223333\"" + body,
       "not an ISO 20022 message namespace"},
      {"<Statement><Line/></Statement>", "no ISO 20022 Document"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.xml);
    auto r = parse(c.xml);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message.rfind("line 1: Document: ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(c.part), std::string::npos) << r.error().message;
    expect_private(r.error());  // a namespace is quoted only when it is a message identifier
  }
}

TEST(Camt053, RefusesDoctypeAndEntities) {
  const char* cases[] = {
      // Internal entity (the "billion laughs" shape), external entity (XXE), bare DOCTYPE.
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [\n<!ENTITY a \"aaaaaaaaaa\">\n"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<Document>&b;</Document>",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">&x;</Document>",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document SYSTEM \"http://example.org/camt.dtd\">\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"/>",
  };
  for (const char* xml : cases) {
    SCOPED_TRACE(xml);
    auto r = parse(xml);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message.rfind("line 2: DOCTYPE: ", 0), 0u) << r.error().message;
    EXPECT_EQ(r.error().message.find("passwd"), std::string::npos);
  }
}

TEST(Camt053, ReportsMalformedXmlWithExpatsLine) {
  std::string bad = doc(entry());
  bad.replace(bad.find("</CdtDbtInd>"), 12, "</CdtDbtIndX>");  // line 8
  expect_error(parse(bad), "line 8: XML: ", "mismatched tag");
  expect_error(parse(""), "line 1: XML: ", "no element found");
  expect_error(parse(doc(entry()).substr(0, 200)), "line ", "not well-formed XML");
  expect_error(parse(doc("<Ntry>&nbsp;</Ntry>")), "line 6: XML: ", "undefined entity");
}

TEST(Camt053, SkipsPendingInformationAndFutureEntries) {
  // Not booked, so not checked either: a pending entry without a booking date is fine.
  std::string entries;
  for (const char* sts :
       {"<Sts><Cd>PDNG</Cd></Sts>", "<Sts>INFO</Sts>", "<Sts><Cd>FUTR</Cd></Sts>"})
    entries +=
        entry("<Amt Ccy=\"KZT\">100.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", sts, "") + "\n";
  entries += entry("<Amt Ccy=\"KZT\">7.00</Amt>");
  auto st = parse(doc(entries));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].amount, m(700, "KZT"));
  EXPECT_EQ(st->lines[0].line, 36u);
}

TEST(Camt053, ReadsSeveralStatementsEachWithItsAccount) {
  std::string xml =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n"
      "<Stmt><Acct><Id><IBAN>KZ76125KZT1001300123</IBAN></Id></Acct>\n"
      "<Ntry><Amt "
      "Ccy=\"KZT\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></"
      "Sts><BookgDt><Dt>2025-01-01</Dt></BookgDt></Ntry>\n"
      "</Stmt>\n"
      "<Stmt><Acct><Id><Othr><Id>CASH-BOX-1</Id></Othr></Id></Acct>\n"
      "<Ntry><Amt "
      "Ccy=\"USD\">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></"
      "Sts><BookgDt><Dt>2025-01-02</Dt></BookgDt></Ntry>\n"
      "</Stmt></BkToCstmrStmt></Document>";
  auto st = parse(xml);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0].account, kOwn);
  EXPECT_EQ(st->lines[0].line, 3u);
  EXPECT_EQ(st->lines[1].account, "CASH-BOX-1");
  EXPECT_EQ(st->lines[1].amount, m(-200, "USD"));
  EXPECT_EQ(st->lines[1].line, 6u);
}

TEST(Camt053, RefusesAnEntryWithoutItsStatementsAccount) {
  std::string xml =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt>\n"
      "<Ntry><Amt "
      "Ccy=\"KZT\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></"
      "Sts><BookgDt><Dt>2025-01-01</Dt></BookgDt></Ntry>\n"
      "</Stmt></BkToCstmrStmt></Document>";
  expect_error(parse(xml), "line 2: Stmt/Acct: ", "missing");
}

std::string batch(const std::string& parts, const std::string& total = "15.00",
                  const std::string& ind = "CRDT") {
  return "<Ntry><Amt Ccy=\"KZT\">" + total + "</Amt><CdtDbtInd>" + ind +
         "</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\n"
         "<BookgDt><Dt>2025-03-10</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef><NtryDtls>\n" +
         parts + "</NtryDtls></Ntry>";
}

std::string tx(const std::string& amount, const std::string& debtor, const std::string& text,
               const std::string& extra = "") {
  std::string s = "<TxDtls>";
  s += extra;
  if (!amount.empty())
    s += "<AmtDtls><TxAmt><Amt Ccy=\"KZT\">" + amount + "</Amt></TxAmt></AmtDtls>";
  s += "<RltdPties><DbtrAcct><Id><IBAN>" + debtor + "</IBAN></Id></DbtrAcct></RltdPties>";
  s += "<RmtInf><Ustrd>" + text + "</Ustrd></RmtInf></TxDtls>\n";
  return s;
}

TEST(Camt053, SplitsABatchIntoOneLinePerTxDtls) {
  auto st = parse(doc(
      batch(tx("10.00", kDonor, "gift one") + tx("5.00", "KZ06125KZT2002400456", "gift two",
                                                 "<Refs><EndToEndId>E-2</EndToEndId></Refs>"))));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0].amount, m(1000, "KZT"));
  EXPECT_EQ(st->lines[0].counterparty, kDonor);
  EXPECT_EQ(st->lines[0].text, "gift one");
  EXPECT_EQ(st->lines[1].amount, m(500, "KZT"));
  EXPECT_EQ(st->lines[1].counterparty, "KZ06125KZT2002400456");
  EXPECT_EQ(st->lines[1].bank_ref, "B-1");  // the entry's reference comes before EndToEndId
  EXPECT_EQ(st->lines[0].line, 6u);
  EXPECT_EQ(st->lines[1].line, 6u);
}

TEST(Camt053, SignsBatchPartsByTheirOwnIndicator) {
  // A credit of 10 made of +15 and -5 (a returned part).
  auto st = parse(doc(batch(
      tx("15.00", kDonor, "a") + tx("5.00", kDonor, "b", "<CdtDbtInd>DBIT</CdtDbtInd>"), "10.00")));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0].amount, m(1500, "KZT"));
  EXPECT_EQ(st->lines[1].amount, m(-500, "KZT"));
}

TEST(Camt053, KeepsABatchWithoutPartAmountsAsOneLine) {
  auto st = parse(
      doc(batch(tx("", kDonor, "gift one") + tx("5.00", "KZ06125KZT2002400456", "gift two"))));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].amount, m(1500, "KZT"));
  EXPECT_EQ(st->lines[0].counterparty, "");  // two different payers: no single counterparty
  EXPECT_EQ(st->lines[0].text, "gift one gift two");

  auto same = parse(doc(batch(tx("", kDonor, "a") + tx("", kDonor, "b"))));
  ASSERT_TRUE(same.has_value()) << same.error().message;
  EXPECT_EQ(same->lines[0].counterparty, kDonor);
}

TEST(Camt053, BooksABatchWhosePartsDoNotAddUpAsTheOneEntryTheBankBooked) {
  std::string usd = tx("5.00", kDonor, "b");
  usd.replace(usd.find("KZT"), 3, "USD");
  struct Case {
    const char* name;
    std::string parts;
  };
  const Case cases[] = {
      {"parts short of the entry", tx("10.00", kDonor, "a") + tx("4.99", kDonor, "b")},
      {"a part in another currency", tx("10.00", kDonor, "a") + usd},
      {"a part not exact in KZT", tx("10.00", kDonor, "a") + tx("5.001", kDonor, "b")},
      {"a part with an unreadable amount", tx("10.00", kDonor, "a") + tx("5,00", kDonor, "b")},
      {"a zero part", tx("15.00", kDonor, "a") + tx("0.00", kDonor, "b")},
      {"a part with a bad indicator",
       tx("10.00", kDonor, "a") + tx("5.00", kDonor, "b", "<CdtDbtInd>X</CdtDbtInd>")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto st = parse(doc(batch(c.parts)));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_EQ(st->lines.size(), 1u);
    EXPECT_EQ(st->lines[0].amount, m(1500, "KZT"));
    EXPECT_EQ(st->lines[0].bank_ref, "B-1");
    EXPECT_EQ(st->lines[0].text, "a b");
  }
}

TEST(Camt053, SignsBatchPartsByTheEntryWhenTheirOwnIndicatorsDoNotAddUp) {
  // A debit of 15 whose parts the bank wrote from the payees' side (CRDT): the entry decides.
  auto st = parse(doc(batch(tx("10.00", kDonor, "a", "<CdtDbtInd>CRDT</CdtDbtInd>") +
                                tx("5.00", kDonor, "b", "<CdtDbtInd>CRDT</CdtDbtInd>"),
                            "15.00", "DBIT")));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0].amount, m(-1000, "KZT"));
  EXPECT_EQ(st->lines[1].amount, m(-500, "KZT"));
  EXPECT_EQ(st->lines[0].counterparty, "");  // a debit's counterparty is the creditor
}

TEST(Camt053, TakesTheCounterpartyFromTheOtherSide) {
  const std::string parties =
      "<NtryDtls><TxDtls><RltdPties>"
      "<DbtrAcct><Id><IBAN>KZ49722C000022223333</IBAN></Id></DbtrAcct>"
      "<CdtrAcct><Id><Othr><Id>LANDLORD-77</Id></Othr></Id></CdtrAcct>"
      "</RltdPties></TxDtls></NtryDtls>";
  auto make = [&](const char* ind) {
    return std::string("<Ntry><Amt Ccy=\"KZT\">1.00</Amt><CdtDbtInd>") + ind +
           "</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2025-01-01</Dt></BookgDt>" + parties +
           "</Ntry>\n";
  };
  auto st = parse(doc(make("CRDT") + make("DBIT")));
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 2u);
  EXPECT_EQ(st->lines[0].counterparty, kDonor);
  EXPECT_EQ(st->lines[1].counterparty, "LANDLORD-77");
}

TEST(Camt053, ChoosesTheBankReference) {
  struct Case {
    std::string refs;
    std::string tx_refs;
    const char* want;
  };
  const Case cases[] = {
      {"<NtryRef>N</NtryRef><AcctSvcrRef>A</AcctSvcrRef>", "<EndToEndId>E</EndToEndId>", "A"},
      {"<NtryRef>N</NtryRef>", "<EndToEndId>E</EndToEndId>", "N"},
      {"", "<AcctSvcrRef>T</AcctSvcrRef><EndToEndId>E</EndToEndId>", "T"},
      {"", "<EndToEndId>E</EndToEndId>", "E"},
      {"", "<EndToEndId>NOTPROVIDED</EndToEndId>", ""},
      {"<AcctSvcrRef>NOTPROVIDED</AcctSvcrRef>", "<EndToEndId>E</EndToEndId>", "E"},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.refs + c.tx_refs);
    // NtryRef comes first and AcctSvcrRef after BookgDt in the schema; the reader does not mind.
    std::string e = "<Ntry>" + c.refs +
                    "<Amt Ccy=\"KZT\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
                    "<BookgDt><Dt>2025-01-01</Dt></BookgDt><NtryDtls><TxDtls><Refs>" +
                    c.tx_refs + "</Refs></TxDtls></NtryDtls></Ntry>";
    auto st = parse(doc(e));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->lines.at(0).bank_ref, c.want);
  }
}

TEST(Camt053, RespectsEachCurrencysMinorUnit) {
  struct Case {
    const char* ccy;
    const char* amt;
    std::int64_t minor;  // 0: refused
  };
  const Case cases[] = {
      {"KWD", "12.345", 12345}, {"BHD", "0.125", 125}, {"KWD", "7", 7000},   {"BHD", "1.5", 1500},
      {"KWD", "1.2345", 0},     {"JPY", "1500", 1500}, {"JPY", "1500.0", 1500}, {"EUR", "0.01", 1},
      // Every xs:decimal spelling whose value is exact in the currency.
      {"KZT", "007.00", 700},   {"KZT", "+1.00", 100}, {"KZT", "1.", 100},   {"KZT", ".5", 50},
      {"EUR", "01.00", 100},    {"EUR", ".05", 5},     {"EUR", "8.850", 885}, {"JPY", "1500.000", 1500},
      {"KWD", "12.3450", 12345}, {"EUR", "0.0100000", 1},
      // Not exact: never rounded.
      {"EUR", "8.855", 0},      {"JPY", "1500.5", 0},  {"KWD", "1.23450", 0}, {"EUR", "0.001", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.ccy) + " " + c.amt);
    auto st = parse(doc(entry(std::string("<Amt Ccy=\"") + c.ccy + "\">" + c.amt + "</Amt>")));
    if (c.minor == 0) {
      expect_error(st, "line 7: Ntry/Amt: ", "");
    } else {
      ASSERT_TRUE(st.has_value()) << st.error().message;
      EXPECT_EQ(st->lines[0].amount, m(c.minor, c.ccy));
    }
  }
}

TEST(Camt053, TakesTheDatePartOfDateAndTime) {
  struct Case {
    const char* booking;
    const char* want;
  };
  const Case cases[] = {
      {"<Dt>2024-02-29</Dt>", "2024-02-29"},
      {"<Dt>2025-03-03+05:00</Dt>", "2025-03-03"},
      {"<Dt> 2025-03-03 </Dt>", "2025-03-03"},
      {"<DtTm>2025-03-31T23:59:59</DtTm>", "2025-03-31"},
      {"<DtTm>2025-03-31T23:59:59.123+06:00</DtTm>", "2025-03-31"},
      {"<DtTm>2025-03-31T00:00:00Z</DtTm>", "2025-03-31"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.booking);
    auto st = parse(doc(entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>",
                              "<Sts><Cd>BOOK</Cd></Sts>",
                              std::string("<BookgDt>") + c.booking + "</BookgDt>")));
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->lines[0].booking_date, c.want);
  }
}

TEST(Camt053, AcceptsPrefixesEnvelopesAndWhitespace) {
  std::string prefixed =
      "<ns2:Document "
      "xmlns:ns2=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><ns2:BkToCstmrStmt>"
      "<ns2:Stmt><ns2:Acct><ns2:Id><ns2:IBAN>KZ76125KZT1001300123</ns2:IBAN></ns2:Id></ns2:Acct>"
      "<ns2:Ntry><ns2:Amt Ccy=\"KZT\">\n 3.00 \n</ns2:Amt><ns2:CdtDbtInd> CRDT </ns2:CdtDbtInd>"
      "<ns2:Sts>BOOK</ns2:Sts><ns2:BookgDt><ns2:Dt>2025-01-01</ns2:Dt></ns2:BookgDt>"
      "<ns2:NtryDtls><ns2:TxDtls><ns2:RmtInf><ns2:Ustrd> a </ns2:Ustrd><ns2:Ustrd>b</ns2:Ustrd>"
      "</ns2:RmtInf></ns2:TxDtls></ns2:NtryDtls></ns2:Ntry></ns2:Stmt></ns2:BkToCstmrStmt></"
      "ns2:Document>";
  auto st = parse(prefixed);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].amount, m(300, "KZT"));
  EXPECT_EQ(st->lines[0].text, "a b");

  // Inside an envelope, with an element of another namespace that looks like an amount.
  std::string wrapped =
      "<Envelope xmlns=\"urn:example:envelope\"><Header><Amt>999</Amt></Header>\n" +
      doc(entry()).substr(doc(entry()).find("<Document")) + "</Envelope>";
  wrapped.replace(wrapped.find("<CdtDbtInd>"), 0, "<x:Amt xmlns:x=\"urn:other\">1</x:Amt>");
  auto w = parse(wrapped);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  ASSERT_EQ(w->lines.size(), 1u);
  EXPECT_EQ(w->lines[0].amount, m(10000, "KZT"));
  EXPECT_EQ(w->lines[0].line, 6u);
}

// The same entry in each of the three messages, as their documents name their parts.
std::string message(const char* kind, const char* root, const char* part,
                    const std::string& ns = "") {
  std::string xmlns =
      ns.empty() ? std::string() : " xmlns=\"urn:iso:std:iso:20022:tech:xsd:" + ns + "\"";
  return std::string("<Document") + xmlns + "><" + root + "><GrpHdr><MsgId>" + kind +
         "</MsgId></GrpHdr>\n<" + part + "><Acct><Id><IBAN>" + kOwn + "</IBAN></Id></Acct>\n" +
         entry() + "\n</" + part + "></" + root + "></Document>\n";
}

TEST(Camt, ReadsAccountReportsStatementsAndNotifications) {
  struct Case {
    const char *kind, *root, *part;
    CamtMessage only;
  };
  const Case cases[] = {
      {"camt.052", "BkToCstmrAcctRpt", "Rpt", CamtMessage::report},
      {"camt.053", "BkToCstmrStmt", "Stmt", CamtMessage::statement},
      {"camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", CamtMessage::notification},
  };
  for (const Case& c : cases) {
    for (const std::string version : {"", ".001.01", ".001.02", ".001.08", ".001.13"}) {
      SCOPED_TRACE(std::string(c.kind) + version);
      // Version .001.01 named the message element with its version.
      std::string root = std::string(c.root) + (version == ".001.01" ? "V01" : "");
      std::string xml = message(c.kind, root.c_str(), c.part,
                                version.empty() ? "" : std::string(c.kind) + version);
      for (CamtMessage expect : {CamtMessage::any, c.only}) {
        std::istringstream in(xml);
        auto st = parse_camt(in, expect);
        ASSERT_TRUE(st.has_value()) << st.error().message;
        EXPECT_EQ(st->format, c.kind + version);
        ASSERT_EQ(st->lines.size(), 1u);
        EXPECT_EQ(st->lines[0], (StatementLine{3, kOwn, "2025-03-03", m(10000, "KZT"), "", kDonor,
                                               kSecret}));
      }
      // Asked for another message: refused with the hint to choose "camt".
      for (const Case& other : cases) {
        if (other.only == c.only) continue;
        std::istringstream in(xml);
        expect_error(parse_camt(in, other.only), "line 1: Document: ", "or camt to read any");
      }
    }
  }
}

TEST(Camt, ReadsTheAccountIdentificationsOfVersion01) {
  for (const char* id : {"<PrtryAcct><Id>CH-ACC-1</Id></PrtryAcct>", "<BBAN>CH-ACC-1</BBAN>",
                         "<UPIC>CH-ACC-1</UPIC>"}) {
    SCOPED_TRACE(id);
    std::string xml = message("camt.052", "BkToCstmrAcctRptV01", "Rpt", "camt.052.001.01");
    xml.replace(xml.find("<IBAN>"), std::string("<IBAN>").size() + 20 + std::string("</IBAN>").size(), id);
    std::istringstream in(xml);
    auto st = parse_camt(in, CamtMessage::any);
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_EQ(st->lines.size(), 1u);
    EXPECT_EQ(st->lines[0].account, "CH-ACC-1");
  }
}

TEST(Camt, ReadsADocumentInNoNamespace) {
  // As the Bundesbank's own sample is written: no xmlns anywhere. Elements in some other
  // namespace inside it are still ignored.
  std::string xml = message("camt.053", "BkToCstmrStmt", "Stmt");
  xml.replace(xml.find("<CdtDbtInd>"), 0, "<x:Amt xmlns:x=\"urn:other\" Ccy=\"KZT\">1</x:Amt>");
  auto st = parse(xml);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->format, "camt.053");
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].amount, m(10000, "KZT"));
  // Its message element must come first and only once.
  expect_error(parse("<Document><BkToCstmrAcctRpt/></Document>"), "line 1: Document: ",
               "\"camt.052\"");
}

TEST(Camt, ReadsAMessageInAnEnvelopeWithABusinessApplicationHeader) {
  // As SWIFT's CBPR+ samples carry a camt.053.001.08: the header's MsgDefIdr and its own
  // Document-free elements are ignored, the Document is read.
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Envelope xmlns=\"urn:swift:xsd:envelope\">\n"
      "<AppHdr xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\"><Fr><FIId><FinInstnId>"
      "<BICFI>BANKKZKA</BICFI></FinInstnId></FIId></Fr><BizMsgIdr>B-1</BizMsgIdr>"
      "<MsgDefIdr>camt.053.001.08</MsgDefIdr><BizSvc>swift.cbprplus.02</BizSvc>"
      "<CreDt>2025-03-04T08:00:00Z</CreDt></AppHdr>\n" +
      message("camt.053", "BkToCstmrStmt", "Stmt", "camt.053.001.08") + "</Envelope>\n";
  auto st = parse(xml);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st->format, "camt.053.001.08");
  ASSERT_EQ(st->lines.size(), 1u);
  EXPECT_EQ(st->lines[0].line, 6u);
}

TEST(Camt, BooksAnEntryWithoutBookingDateOnItsValueDate) {
  struct Case {
    const char* dates;
    const char* want;  // nullptr: refused
    const char* error = "";
  };
  const Case cases[] = {
      {"<ValDt><Dt>2025-03-04</Dt></ValDt>", "2025-03-04"},
      {"<ValDt><DtTm>2025-03-04T23:10:00+05:00</DtTm></ValDt>", "2025-03-04"},
      {"<BookgDt><Dt>2025-03-03</Dt></BookgDt><ValDt><Dt>2025-03-05</Dt></ValDt>", "2025-03-03"},
      {"<ValDt><Dt>2025-02-30</Dt></ValDt>", nullptr, "line 10: Ntry/ValDt/Dt: "},
      {"<ValDt/>", nullptr, "line 6: Ntry/BookgDt: "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dates);
    auto st = parse(doc(entry("<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>",
                              "<Sts><Cd>BOOK</Cd></Sts>", c.dates)));
    if (!c.want) {
      expect_error(st, c.error, "");
      continue;
    }
    ASSERT_TRUE(st.has_value()) << st.error().message;
    EXPECT_EQ(st->lines[0].booking_date, c.want);
  }
}

TEST(Camt053, RefusesOversizedValuesAndDeepNesting) {
  std::string long_text(5000, 'x');
  auto r = parse(doc(entry(
      "<Amt Ccy=\"KZT\">1.00</Amt>", "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts><Cd>BOOK</Cd></Sts>",
      "<BookgDt><Dt>2025-01-01</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>" + long_text +
          "</Ustrd></RmtInf></TxDtls></NtryDtls>")));
  expect_error(r, "line 10: TxDtls/RmtInf/Ustrd: ", "longer than 4096 bytes");
  EXPECT_EQ(r.error().message.find("xxx"), std::string::npos);

  std::string many;
  for (int i = 0; i < 100001; ++i) many += "<TxDtls/>";
  expect_error(parse(doc("<Ntry><NtryDtls>\n" + many + "</NtryDtls></Ntry>")),
               "line 7: Ntry/NtryDtls: ", "more than 100000 TxDtls");

  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  expect_error(parse(doc("<Ntry>" + deep + "</Ntry>")), "line 6: XML: ", "deeper than 256");
}

TEST(Camt053, StreamsALargeStatement) {
  std::ostringstream xml;
  xml << "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n"
         "<Stmt><Acct><Id><IBAN>KZ76125KZT1001300123</IBAN></Id></Acct>\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    xml << "<Ntry><Amt Ccy=\"KZT\">" << (i + 1) << ".50</Amt><CdtDbtInd>"
        << (i % 2 ? "DBIT" : "CRDT")
        << "</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2025-01-01</Dt></BookgDt>"
           "<AcctSvcrRef>R"
        << i << "</AcctSvcrRef></Ntry>\n";
  xml << "</Stmt></BkToCstmrStmt></Document>\n";
  std::istringstream in(xml.str());
  Progress progress("test", 0, false);
  auto st = parse_camt053(in, &progress);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_EQ(st->lines.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(st->lines.back().line, static_cast<std::uint64_t>(n + 2));
  EXPECT_EQ(st->lines.back().amount, m(-(n * 100 + 50), "KZT"));
  EXPECT_EQ(st->lines.back().bank_ref, "R" + std::to_string(n - 1));
}

TEST(Camt053, AFailedStreamIsUnavailable) {
  std::istringstream in(doc(entry()));
  in.setstate(std::ios::failbit);
  auto r = parse_camt053(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

TEST(Camt053, FileThatDoesNotExistIsNotFound) {
  auto r = parse_camt053_file("/nonexistent/statement.xml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::not_found);
}

}  // namespace
}  // namespace amanat::books::import
