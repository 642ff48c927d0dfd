#include "books/import/camt053.h"

#include <expat.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "books/import/fields.h"

namespace amanat::books::import {

namespace {

using detail::describe;
using detail::fail_at;
using detail::trim;

constexpr std::size_t kChunk = std::size_t{1} << 20;
constexpr std::size_t kMaxValue = 4096;
constexpr std::size_t kMaxText = 65536;
constexpr std::size_t kMaxDepth = 256;
// TxDtls kept per entry until it closes; real batches (payrolls) have thousands, and the cap
// bounds what an entry of empty <TxDtls/> elements could make the reader allocate.
constexpr std::size_t kMaxTxPerEntry = 100000;
// expat joins a namespace URI and a local name with this byte ("urn:...\x01Ntry"); it cannot
// occur in an XML name or URI, so the split is unambiguous.
constexpr char kNsSep = '\x01';
constexpr std::string_view kIsoPrefix = "urn:iso:std:iso:20022:tech:xsd:";

// The local names the reader looks at; every other name is kOther.
// clang-format off
enum Tag : std::uint8_t {
  kOther, kDocument, kBkToCstmrStmt, kBkToCstmrAcctRpt, kBkToCstmrDbtCdtNtfctn, kStmt, kRpt,
  kNtfctn, kAcct, kId, kIBAN, kOthr, kNtry, kAmt, kCdtDbtInd, kSts, kCd, kBookgDt, kValDt, kDt,
  kDtTm, kAcctSvcrRef, kNtryRef, kNtryDtls, kTxDtls, kRefs, kEndToEndId, kAmtDtls, kTxAmt,
  kRltdPties, kDbtrAcct, kCdtrAcct, kRmtInf, kUstrd, kPrtryAcct,
};
// clang-format on

Tag tag_of(const char* s, std::size_t n) {
  auto is = [&](const char* name) { return std::memcmp(s, name, n) == 0; };
  switch (n) {
    case 2: return is("Id") ? kId : is("Cd") ? kCd : is("Dt") ? kDt : kOther;
    case 3: return is("Amt") ? kAmt : is("Sts") ? kSts : is("Rpt") ? kRpt : kOther;
    case 4:
      return is("Ntry")   ? kNtry
             : is("IBAN") ? kIBAN
             : is("BBAN") ? kIBAN  // .001.01's other account identifications
             : is("UPIC") ? kIBAN
             : is("Othr") ? kOthr
             : is("Stmt") ? kStmt
             : is("Acct") ? kAcct
             : is("DtTm") ? kDtTm
             : is("Refs") ? kRefs
                          : kOther;
    case 5: return is("TxAmt") ? kTxAmt : is("Ustrd") ? kUstrd : is("ValDt") ? kValDt : kOther;
    case 6:
      return is("TxDtls")   ? kTxDtls
             : is("RmtInf") ? kRmtInf
             : is("Ntfctn") ? kNtfctn
                            : kOther;
    case 7:
      return is("BookgDt")   ? kBookgDt
             : is("NtryRef") ? kNtryRef
             : is("AmtDtls") ? kAmtDtls
                             : kOther;
    case 8:
      return is("NtryDtls")   ? kNtryDtls
             : is("DbtrAcct") ? kDbtrAcct
             : is("CdtrAcct") ? kCdtrAcct
             : is("Document") ? kDocument
                              : kOther;
    case 9:
      return is("CdtDbtInd")   ? kCdtDbtInd
             : is("RltdPties") ? kRltdPties
             : is("PrtryAcct") ? kPrtryAcct  // .001.01's Othr
                               : kOther;
    case 10: return is("EndToEndId") ? kEndToEndId : kOther;
    case 11: return is("AcctSvcrRef") ? kAcctSvcrRef : kOther;
    case 13: return is("BkToCstmrStmt") ? kBkToCstmrStmt : kOther;
    // Version .001.01 named the message elements with their version: BkToCstmrStmtV01.
    case 16:
      return is("BkToCstmrAcctRpt")   ? kBkToCstmrAcctRpt
             : is("BkToCstmrStmtV01") ? kBkToCstmrStmt
                                      : kOther;
    case 19: return is("BkToCstmrAcctRptV01") ? kBkToCstmrAcctRpt : kOther;
    case 21: return is("BkToCstmrDbtCdtNtfctn") ? kBkToCstmrDbtCdtNtfctn : kOther;
    case 24: return is("BkToCstmrDbtCdtNtfctnV01") ? kBkToCstmrDbtCdtNtfctn : kOther;
    default: return kOther;
  }
}

// Where the reader is: one state per open element, derived from the parent's state and the
// element's name, so that e.g. <Amt> means the entry amount only as a child of <Ntry>.
// clang-format off
enum State : std::uint8_t {
  sOutside,  // outside the camt Document (before it, after it, or in an envelope around it)
  sIgnore,   // inside the Document, in an element (or namespace) the reader does not need
  sDocument, sBk, sStmt, sAcct, sAcctId, sAcctIban, sAcctOthr, sAcctOthrId,
  sNtry, sNtryAmt, sNtryCdtDbt, sNtrySts, sNtryStsCd, sBookgDt, sBookgDtDt, sBookgDtDtTm,
  sValDt, sValDtDt, sValDtDtTm,
  sNtryAcctSvcrRef, sNtryRef, sNtryDtls,
  sTx, sTxRefs, sTxE2E, sTxAcctSvcrRef, sTxAmt, sTxCdtDbt, sTxAmtDtls, sTxTxAmt, sTxTxAmtAmt,
  sRltd, sDbtrAcct, sDbtrId, sDbtrIban, sDbtrOthr, sDbtrOthrId,
  sCdtrAcct, sCdtrId, sCdtrIban, sCdtrOthr, sCdtrOthrId,
  sRmtInf, sUstrd,
};
// clang-format on

// The three cash-management messages share their entries (ReportEntry, in every version) and
// differ only in the names of the message and its per-account part.
struct Message {
  const char* id;        // "camt.053"
  const char* what;      // for error messages
  Tag root, part;        // BkToCstmrStmt and Stmt
  const char* root_name;
  const char* part_name;
};
constexpr Message kMessages[] = {
    {"camt.052", "a bank-to-customer account report", kBkToCstmrAcctRpt, kRpt, "BkToCstmrAcctRpt",
     "Rpt"},
    {"camt.053", "a bank-to-customer statement", kBkToCstmrStmt, kStmt, "BkToCstmrStmt", "Stmt"},
    {"camt.054", "a bank-to-customer debit/credit notification", kBkToCstmrDbtCdtNtfctn, kNtfctn,
     "BkToCstmrDbtCdtNtfctn", "Ntfctn"},
};

const Message* message_of_root(Tag t) {
  for (const Message& m : kMessages)
    if (m.root == t) return &m;
  return nullptr;
}

const Message* message_of_id(std::string_view id) {
  for (const Message& m : kMessages)
    if (id.starts_with(m.id)) return &m;
  return nullptr;
}

State child_state(State parent, Tag t) {
  switch (parent) {
    case sStmt: return t == kNtry ? sNtry : t == kAcct ? sAcct : sIgnore;
    case sAcct: return t == kId ? sAcctId : sIgnore;
    case sAcctId: return t == kIBAN ? sAcctIban : t == kOthr || t == kPrtryAcct ? sAcctOthr : sIgnore;
    case sAcctOthr: return t == kId ? sAcctOthrId : sIgnore;
    case sNtry:
      switch (t) {
        case kAmt: return sNtryAmt;
        case kCdtDbtInd: return sNtryCdtDbt;
        case kSts: return sNtrySts;
        case kBookgDt: return sBookgDt;
        case kValDt: return sValDt;
        case kAcctSvcrRef: return sNtryAcctSvcrRef;
        case kNtryRef: return sNtryRef;
        case kNtryDtls: return sNtryDtls;
        default: return sIgnore;
      }
    case sNtrySts: return t == kCd ? sNtryStsCd : sIgnore;
    case sBookgDt: return t == kDt ? sBookgDtDt : t == kDtTm ? sBookgDtDtTm : sIgnore;
    case sValDt: return t == kDt ? sValDtDt : t == kDtTm ? sValDtDtTm : sIgnore;
    case sNtryDtls: return t == kTxDtls ? sTx : sIgnore;
    case sTx:
      switch (t) {
        case kRefs: return sTxRefs;
        case kAmt: return sTxAmt;
        case kCdtDbtInd: return sTxCdtDbt;
        case kAmtDtls: return sTxAmtDtls;
        case kRltdPties: return sRltd;
        case kRmtInf: return sRmtInf;
        default: return sIgnore;
      }
    case sTxRefs: return t == kEndToEndId ? sTxE2E : t == kAcctSvcrRef ? sTxAcctSvcrRef : sIgnore;
    case sTxAmtDtls: return t == kTxAmt ? sTxTxAmt : sIgnore;
    case sTxTxAmt: return t == kAmt ? sTxTxAmtAmt : sIgnore;
    case sRltd: return t == kDbtrAcct ? sDbtrAcct : t == kCdtrAcct ? sCdtrAcct : sIgnore;
    case sDbtrAcct: return t == kId ? sDbtrId : sIgnore;
    case sDbtrId: return t == kIBAN ? sDbtrIban : t == kOthr || t == kPrtryAcct ? sDbtrOthr : sIgnore;
    case sDbtrOthr: return t == kId ? sDbtrOthrId : sIgnore;
    case sCdtrAcct: return t == kId ? sCdtrId : sIgnore;
    case sCdtrId: return t == kIBAN ? sCdtrIban : t == kOthr || t == kPrtryAcct ? sCdtrOthr : sIgnore;
    case sCdtrOthr: return t == kId ? sCdtrOthrId : sIgnore;
    case sRmtInf: return t == kUstrd ? sUstrd : sIgnore;
    default: return sIgnore;
  }
}

// Elements whose text the reader keeps, and that may hold nothing but text.
constexpr bool is_leaf(State s) {
  // clang-format off
  switch (s) {
    case sAcctIban: case sAcctOthrId: case sNtryAmt: case sNtryCdtDbt: case sNtryStsCd:
    case sBookgDtDt: case sBookgDtDtTm: case sValDtDt: case sValDtDtTm: case sNtryAcctSvcrRef: case sNtryRef: case sTxE2E:
    case sTxAcctSvcrRef: case sTxAmt: case sTxCdtDbt: case sTxTxAmtAmt: case sDbtrIban:
    case sDbtrOthrId: case sCdtrIban: case sCdtrOthrId: case sUstrd:
      return true;
    default:
      return false;
  }
  // clang-format on
}

// Paths for error messages (relative to the statement, as people look them up in the spec).
const char* path_of(State s) {
  switch (s) {
    case sAcctIban: return "Stmt/Acct/Id/IBAN";
    case sAcctOthrId: return "Stmt/Acct/Id/Othr/Id";
    case sNtryAmt: return "Ntry/Amt";
    case sNtryCdtDbt: return "Ntry/CdtDbtInd";
    case sNtrySts: return "Ntry/Sts";
    case sNtryStsCd: return "Ntry/Sts/Cd";
    case sBookgDtDt: return "Ntry/BookgDt/Dt";
    case sBookgDtDtTm: return "Ntry/BookgDt/DtTm";
    case sValDtDt: return "Ntry/ValDt/Dt";
    case sValDtDtTm: return "Ntry/ValDt/DtTm";
    case sNtryAcctSvcrRef: return "Ntry/AcctSvcrRef";
    case sNtryRef: return "Ntry/NtryRef";
    case sTxE2E: return "TxDtls/Refs/EndToEndId";
    case sTxAcctSvcrRef: return "TxDtls/Refs/AcctSvcrRef";
    case sTxAmt: return "TxDtls/Amt";
    case sTxCdtDbt: return "TxDtls/CdtDbtInd";
    case sTxTxAmtAmt: return "TxDtls/AmtDtls/TxAmt/Amt";
    case sDbtrIban:
    case sDbtrOthrId: return "TxDtls/RltdPties/DbtrAcct/Id";
    case sCdtrIban:
    case sCdtrOthrId: return "TxDtls/RltdPties/CdtrAcct/Id";
    case sUstrd: return "TxDtls/RmtInf/Ustrd";
    default: return "element";
  }
}

// One captured element text, with the line of its start tag.
struct Value {
  std::string text;
  std::uint64_t line = 0;
  bool seen = false;
  void reset() {
    text.clear();
    seen = false;
  }
};

struct AmountValue {
  Value v;
  std::string ccy;
  bool has_ccy = false;
  void reset() {
    v.reset();
    ccy.clear();
    has_ccy = false;
  }
};

struct Tx {
  std::uint64_t line = 0;
  AmountValue tx_amt;  // AmtDtls/TxAmt/Amt
  AmountValue amt;     // TxDtls/Amt (camt.053.001.03 and later)
  Value cdtdbt, e2e, svcr_ref;
  std::string dbtr, cdtr, text;
  bool has_dbtr = false, has_cdtr = false;
  void reset(std::uint64_t at) {
    line = at;
    tx_amt.reset();
    amt.reset();
    cdtdbt.reset();
    e2e.reset();
    svcr_ref.reset();
    dbtr.clear();
    cdtr.clear();
    text.clear();
    has_dbtr = has_cdtr = false;
  }
  const AmountValue* amount() const {
    return tx_amt.v.seen ? &tx_amt : amt.v.seen ? &amt : nullptr;
  }
};

struct Entry {
  std::uint64_t line = 0;
  AmountValue amt;
  Value cdtdbt, sts, sts_cd, dt, dttm, val_dt, val_dttm, svcr_ref, ntry_ref;
  std::vector<Tx> tx;  // the first ntx are this entry's; the rest are kept for their capacity
  std::size_t ntx = 0;
  void reset(std::uint64_t at) {
    line = at;
    amt.reset();
    for (Value* v : {&cdtdbt, &sts, &sts_cd, &dt, &dttm, &val_dt, &val_dttm, &svcr_ref, &ntry_ref})
      v->reset();
    ntx = 0;
  }
};

// A reference, with "NOTPROVIDED" (ISO's placeholder for a missing EndToEndId) as empty.
std::string_view ref_of(const Value& v) {
  std::string_view r = trim(v.text);
  return r == "NOTPROVIDED" ? std::string_view() : r;
}

// True for an ISO 20022 message identifier such as "camt.052.001.08": the only part of a
// namespace an error message quotes (anything else in a crafted file could be anything).
bool is_message_id(std::string_view m) {
  if (m.size() != 15 || m[4] != '.' || m[8] != '.' || m[12] != '.') return false;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i == 4 || i == 8 || i == 12) continue;
    bool ok = i < 4 ? (m[i] >= 'a' && m[i] <= 'z') : (m[i] >= '0' && m[i] <= '9');
    if (!ok) return false;
  }
  return true;
}

bool two_digits(std::string_view s, std::size_t at, int max) {
  return at + 2 <= s.size() && s[at] >= '0' && s[at] <= '9' && s[at + 1] >= '0' &&
         s[at + 1] <= '9' && (s[at] - '0') * 10 + (s[at + 1] - '0') <= max;
}

// A time zone suffix of xs:date / xs:dateTime: "", "Z" or "+hh:mm" / "-hh:mm".
bool valid_zone(std::string_view z) {
  if (z.empty() || z == "Z") return true;
  return z.size() == 6 && (z[0] == '+' || z[0] == '-') && two_digits(z, 1, 14) && z[3] == ':' &&
         two_digits(z, 4, 59);
}

// The lines of a batch entry's parts, or none if it is to stay one line (see finish_entry).
std::vector<Money> split_batch(std::span<const Tx> txs, Money entry, int sign);

class Reader {
 public:
  explicit Reader(CamtMessage expect)
      : xp_(XML_ParserCreateNS(nullptr, kNsSep)), expect_(expect) {}
  ~Reader() {
    if (xp_) XML_ParserFree(xp_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  Result<Statement> run(std::istream& in, Progress* progress);

 private:
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    static_cast<Reader*>(self)->start(name, atts);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) { static_cast<Reader*>(self)->end(); }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    static_cast<Reader*>(self)->text(s, static_cast<std::size_t>(len));
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    auto* r = static_cast<Reader*>(self);
    r->stop(r->error_at(r->line(), "DOCTYPE",
                        "document type declarations are refused: they can declare entities, "
                        "and a camt.053 statement never has one"));
  }
  static void XMLCALL on_entity(void* self, const XML_Char*, int, const XML_Char*, int,
                                const XML_Char*, const XML_Char*, const XML_Char*,
                                const XML_Char*) {
    auto* r = static_cast<Reader*>(self);
    r->stop(r->error_at(r->line(), "ENTITY", "entity declarations are refused"));
  }

  std::uint64_t line() const { return XML_GetCurrentLineNumber(xp_); }
  static Error error_at(std::uint64_t line, std::string_view field, std::string_view reason) {
    return detail::line_error(line, field, reason);
  }
  void stop(Error e) {
    if (!error_) error_ = std::move(e);
    XML_StopParser(xp_, XML_FALSE);
  }

  void start(const char* name, const char** atts);
  void set_capturing(bool on);
  void end();
  void text(const char* s, std::size_t n);
  State open_document(const char* name, const char* local);
  bool accept(const Message& m, std::uint64_t at);
  void store(Value& v, State s);
  void store_amount(AmountValue& a, State s);
  void store_account(std::string& out, bool& has, State s);
  Status finish_entry();
  Result<Money> read_amount(const AmountValue* a, std::uint64_t missing_line, const char* path);
  Result<int> read_sign(const Value& v, std::uint64_t missing_line, const char* path);
  Result<std::string> read_booking_date(const Entry& e);

  XML_Parser xp_;
  CamtMessage expect_;
  const Message* msg_ = nullptr;  // the document's message, once known
  std::optional<Error> error_;
  std::vector<State> states_;
  std::string ns_;  // the camt Document's namespace URI, once found; empty for no namespace
  bool document_seen_ = false, bk_seen_ = false;
  bool capturing_ = false;
  std::string value_;  // text of the leaf element being read
  std::uint64_t value_line_ = 0;
  std::string attr_ccy_;
  bool attr_has_ccy_ = false;
  std::string account_;  // the current <Stmt>'s account
  Entry entry_;
  Statement out_;
};

State Reader::open_document(const char* name, const char* local) {
  std::string_view uri =
      local == name ? std::string_view() : std::string_view(name, local - 1 - name);
  std::uint64_t at = line();
  if (document_seen_) {
    stop(error_at(at, "Document",
                  "a second Document element; one file holds one statement document"));
    return sIgnore;
  }
  document_seen_ = true;
  // A Document in no namespace (the Bundesbank's sample, some banks' exports) is recognised
  // by its message element, the Document's first child.
  if (uri.empty()) return sDocument;
  if (!uri.starts_with(kIsoPrefix)) {
    stop(error_at(at, "Document",
                  "its namespace is not an ISO 20022 message namespace; expected "
                  "urn:iso:std:iso:20022:tech:xsd:camt.05N.001.NN"));
    return sIgnore;
  }
  std::string_view id = uri.substr(kIsoPrefix.size());
  const Message* m = is_message_id(id) ? message_of_id(id) : nullptr;
  if (!m || id.substr(8, 5) != ".001.") {
    std::string what =
        !is_message_id(id) ? "not a known ISO 20022 message" : "\"" + std::string(id) + "\"";
    stop(error_at(at, "Document",
                  "the document is " + what +
                      ", not a camt.052, camt.053 or camt.054 message (camt.05N.001.NN); ask "
                      "the bank for the camt.053 statement export"));
    return sIgnore;
  }
  if (!accept(*m, at)) return sIgnore;
  ns_ = std::string(uri);
  out_.format = std::string(id);
  return sDocument;
}

bool Reader::accept(const Message& m, std::uint64_t at) {
  msg_ = &m;
  if (expect_ == CamtMessage::any || &kMessages[static_cast<int>(expect_) - 1] == &m) return true;
  const Message& want = kMessages[static_cast<int>(expect_) - 1];
  std::string id = out_.format.empty() ? std::string(m.id) : out_.format;
  stop(error_at(at, "Document",
                "the document is \"" + id + "\" (" + m.what + "), not " + want.what + " (" +
                    want.id + "); choose the format for " + m.id +
                    ", or camt to read any of the three"));
  return false;
}

void Reader::start(const char* name, const char** atts) {
  if (error_) return;
  State parent = states_.empty() ? sOutside : states_.back();
  if (is_leaf(parent))
    return stop(error_at(line(), path_of(parent), "holds a child element; it may hold only text"));
  if (states_.size() >= kMaxDepth)
    return stop(error_at(line(), "XML", "elements nested deeper than 256 levels"));

  // Split "uri\x01local". The camt namespace is checked first: almost every element is in it.
  const char* local;
  bool in_ns = false;
  if (!ns_.empty() && std::strncmp(name, ns_.data(), ns_.size()) == 0 &&
      name[ns_.size()] == kNsSep) {
    local = name + ns_.size() + 1;
    in_ns = true;
  } else {
    const char* sep = std::strchr(name, kNsSep);
    local = sep ? sep + 1 : name;
    in_ns = ns_.empty() && !sep;  // a Document in no namespace: its elements are in none
  }
  Tag tag = tag_of(local, std::strlen(local));

  State s;
  if (parent == sOutside) {
    s = tag == kDocument ? open_document(name, local) : sOutside;
    if (error_) return;
  } else if (parent == sIgnore || !in_ns) {
    s = sIgnore;
  } else if (parent == sDocument) {
    s = sIgnore;
    if (const Message* m = message_of_root(tag); m && !bk_seen_) {
      if (msg_ == nullptr) {
        if (!accept(*m, line())) return;
        out_.format = m->id;  // no namespace, so no version
      }
      if (m == msg_) s = sBk;
    }
  } else if (parent == sBk) {
    s = tag == msg_->part ? sStmt : sIgnore;
  } else {
    s = child_state(parent, tag);
  }
  states_.push_back(s);

  switch (s) {
    case sBk: bk_seen_ = true; break;
    case sStmt: account_.clear(); break;
    case sNtry: entry_.reset(line()); break;
    case sTx:
      if (entry_.ntx == kMaxTxPerEntry)
        return stop(error_at(line(), "Ntry/NtryDtls", "more than 100000 TxDtls in one entry"));
      if (entry_.ntx == entry_.tx.size()) entry_.tx.emplace_back();
      entry_.tx[entry_.ntx++].reset(line());
      break;
    case sNtryAmt:
    case sTxAmt:
    case sTxTxAmtAmt:
      attr_has_ccy_ = false;
      attr_ccy_.clear();
      for (const char** a = atts; a[0]; a += 2)
        if (std::strcmp(a[0], "Ccy") == 0) {
          attr_has_ccy_ = true;
          attr_ccy_ = a[1];
        }
      break;
    default: break;
  }
  if (is_leaf(s) || s == sNtrySts) {
    value_.clear();
    value_line_ = line();
    set_capturing(true);
  } else {
    set_capturing(false);
  }
}

void Reader::set_capturing(bool on) {
  // The text handler is installed only while a wanted element is open: expat then does not
  // call back for the indentation between elements, which is most of a statement's text.
  if (on != capturing_) XML_SetCharacterDataHandler(xp_, on ? on_text : nullptr);
  capturing_ = on;
}

void Reader::text(const char* s, std::size_t n) {
  if (!capturing_ || error_) return;
  if (value_.size() + n > kMaxValue)
    return stop(error_at(value_line_, path_of(states_.back()), "longer than 4096 bytes"));
  value_.append(s, n);
}

void Reader::store(Value& v, State s) {
  if (v.seen) return stop(error_at(value_line_, path_of(s), "appears twice in one entry"));
  v.seen = true;
  v.line = value_line_;
  v.text = value_;
}

void Reader::store_amount(AmountValue& a, State s) {
  store(a.v, s);
  a.ccy = attr_ccy_;
  a.has_ccy = attr_has_ccy_;
}

void Reader::store_account(std::string& out, bool& has, State s) {
  if (has) return stop(error_at(value_line_, path_of(s), "appears twice in one TxDtls"));
  has = true;
  out = detail::normalize_account(value_);
}

void Reader::end() {
  if (error_) return;
  State s = states_.back();
  states_.pop_back();
  set_capturing(!states_.empty() && states_.back() == sNtrySts);
  Tx* tx = entry_.ntx ? &entry_.tx[entry_.ntx - 1] : nullptr;
  switch (s) {
    case sAcctIban:
    case sAcctOthrId:
      account_ = detail::normalize_account(value_);
      if (account_.empty()) stop(error_at(value_line_, path_of(s), "is empty"));
      break;
    case sDocument:
      if (!bk_seen_)
        stop(error_at(line(), "Document",
                      msg_ ? std::string("has no ") + msg_->root_name + ": it is not " + msg_->what
                           : std::string("has no BkToCstmrStmt, BkToCstmrAcctRpt or "
                                         "BkToCstmrDbtCdtNtfctn: it is not a bank statement")));
      break;
    case sNtry:
      if (auto st = finish_entry(); !st) stop(std::move(st.error()));
      break;
    case sNtryAmt: store_amount(entry_.amt, s); break;
    case sNtryCdtDbt: store(entry_.cdtdbt, s); break;
    case sNtryStsCd: store(entry_.sts_cd, s); break;
    case sNtrySts:
      // <Sts>BOOK</Sts> up to camt.053.001.03; <Sts><Cd>BOOK</Cd></Sts> from .04 on.
      if (entry_.sts.seen)
        return stop(error_at(value_line_, path_of(s), "appears twice in one entry"));
      entry_.sts.seen = true;
      entry_.sts.line = value_line_;
      if (!entry_.sts_cd.seen) entry_.sts.text = value_;
      break;
    case sBookgDtDt: store(entry_.dt, s); break;
    case sBookgDtDtTm: store(entry_.dttm, s); break;
    case sValDtDt: store(entry_.val_dt, s); break;
    case sValDtDtTm: store(entry_.val_dttm, s); break;
    case sNtryAcctSvcrRef: store(entry_.svcr_ref, s); break;
    case sNtryRef: store(entry_.ntry_ref, s); break;
    case sTxE2E: store(tx->e2e, s); break;
    case sTxAcctSvcrRef: store(tx->svcr_ref, s); break;
    case sTxAmt: store_amount(tx->amt, s); break;
    case sTxTxAmtAmt: store_amount(tx->tx_amt, s); break;
    case sTxCdtDbt: store(tx->cdtdbt, s); break;
    case sDbtrIban:
    case sDbtrOthrId: store_account(tx->dbtr, tx->has_dbtr, s); break;
    case sCdtrIban:
    case sCdtrOthrId: store_account(tx->cdtr, tx->has_cdtr, s); break;
    case sUstrd: {
      std::string_view u = trim(value_);
      if (u.empty()) break;
      if (tx->text.size() + u.size() + 1 > kMaxText)
        return stop(error_at(value_line_, path_of(s), "remittance text longer than 64 KiB"));
      if (!tx->text.empty()) tx->text += ' ';
      tx->text += u;
      break;
    }
    default: break;
  }
}

Result<Money> Reader::read_amount(const AmountValue* a, std::uint64_t missing_line,
                                  const char* path) {
  if (!a || !a->v.seen)
    return fail_at(missing_line, path, "missing; a booked entry needs an amount");
  std::uint64_t at = a->v.line;
  if (!a->has_ccy) return fail_at(at, path, "the Ccy attribute (currency) is missing");
  std::string_view ccy = trim(a->ccy);
  if (ccy.size() != 3)
    return fail_at(at, path, "Ccy " + describe(ccy, 3, 5) + " is not an ISO 4217 code");
  auto c = currency(ccy);
  if (!c) return fail_at(at, path, "Ccy: " + c.error().message);
  std::string_view v = trim(a->v.text);
  if (v.empty()) return fail_at(at, path, "is empty");
  std::string shown = describe(v, 1);
  if (v[0] == '-')
    return fail_at(at, path,
                   shown + " is negative; an amount here has no sign (CdtDbtInd gives it)");
  // Any xs:decimal spelling: "+1.00", "01.00", ".05", "8.850".
  auto m = detail::read_decimal(v.substr(v[0] == '+' ? 1 : 0), '.', *c);
  if (!m) return fail_at(at, path, shown + " " + m.error());
  if (m->minor == 0) return fail_at(at, path, "the amount is zero; an entry must move money");
  return *m;
}

Result<int> Reader::read_sign(const Value& v, std::uint64_t missing_line, const char* path) {
  if (!v.seen)
    return fail_at(missing_line, path,
                   "missing; CRDT or DBIT says whether money came in or went out");
  std::string_view s = trim(v.text);
  if (s == "CRDT") return 1;
  if (s == "DBIT") return -1;
  return fail_at(v.line, path, describe(s, 4, 8) + " is neither CRDT nor DBIT");
}

Result<std::string> Reader::read_booking_date(const Entry& e) {
  // The booking date; entries that carry only a value date (several banks write no BookgDt)
  // are booked on it.
  bool booking = e.dt.seen || e.dttm.seen;
  const Value& dt = booking ? e.dt : e.val_dt;
  const Value& dttm = booking ? e.dttm : e.val_dttm;
  if (dt.seen && dttm.seen)
    return fail_at(dttm.line, booking ? "Ntry/BookgDt" : "Ntry/ValDt",
                   "has both Dt and DtTm; it must have one");
  if (!dt.seen && !dttm.seen)
    return fail_at(e.line, "Ntry/BookgDt",
                   "missing, and so is ValDt; a booked entry needs a booking or value date");
  bool is_dt = dt.seen;
  const Value& v = is_dt ? dt : dttm;
  const char* path = booking ? (is_dt ? "Ntry/BookgDt/Dt" : "Ntry/BookgDt/DtTm")
                             : (is_dt ? "Ntry/ValDt/Dt" : "Ntry/ValDt/DtTm");
  std::string_view s = trim(v.text);
  auto date = detail::read_date(s.substr(0, 10), '-', detail::DateOrder::ymd);
  if (!date) return fail_at(v.line, path, describe(s, 1) + " " + date.error());
  std::string_view rest = s.substr(10);
  bool ok;
  if (is_dt) {
    ok = valid_zone(rest);
  } else {
    // "Thh:mm:ss", optional fraction, optional zone.
    ok = rest.size() >= 9 && rest[0] == 'T' && two_digits(rest, 1, 23) && rest[3] == ':' &&
         two_digits(rest, 4, 59) && rest[6] == ':' && two_digits(rest, 7, 60);
    if (ok) {
      std::size_t i = 9;
      if (i < rest.size() && rest[i] == '.') {
        std::size_t j = ++i;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
        ok = i > j;
      }
      ok = ok && valid_zone(rest.substr(i));
    }
  }
  if (!ok)
    return fail_at(v.line, path,
                   describe(s, 1) + (is_dt ? " is not a date YYYY-MM-DD"
                                           : " is not a date-time YYYY-MM-DDThh:mm:ss"));
  return *date;
}

Status Reader::finish_entry() {
  const Entry& e = entry_;
  if (!e.sts.seen)
    return fail_at(e.line, "Ntry/Sts", "missing; every entry needs a status (BOOK, PDNG, INFO)");
  std::string_view sts = trim(e.sts_cd.seen ? e.sts_cd.text : e.sts.text);
  std::uint64_t sts_line = e.sts_cd.seen ? e.sts_cd.line : e.sts.line;
  // Pending, information-only and future entries are not movements of money (yet): they are
  // not booked, and not checked further, so a bank's placeholder values there do no harm.
  if (sts == "PDNG" || sts == "INFO" || sts == "FUTR") return {};
  if (sts.empty())
    return fail_at(sts_line, "Ntry/Sts",
                   "has no status code (a proprietary status is not understood)");
  if (sts != "BOOK")
    return fail_at(sts_line, "Ntry/Sts",
                   describe(sts, 4, 8) + " is not an entry status (BOOK, PDNG, INFO, FUTR)");
  if (account_.empty())
    return fail_at(e.line, "Stmt/Acct",
                   "the statement's account (Acct/Id/IBAN or Acct/Id/Othr/Id) is missing or "
                   "comes after its entries");

  auto amount = read_amount(&e.amt, e.line, "Ntry/Amt");
  if (!amount) return err(amount);
  auto sign = read_sign(e.cdtdbt, e.line, "Ntry/CdtDbtInd");
  if (!sign) return err(sign);
  auto date = read_booking_date(e);
  if (!date) return err(date);
  Money entry_amount = *amount;
  if (*sign < 0) entry_amount.minor = -entry_amount.minor;  // amounts parsed here are positive

  std::span<const Tx> txs(e.tx.data(), e.ntx);
  auto first_ref = [](std::initializer_list<const Value*> vs) {
    for (const Value* v : vs)
      if (std::string_view r = ref_of(*v); !r.empty()) return std::string(r);
    return std::string();
  };

  // A batch whose parts carry their own amounts in the entry's currency becomes one line per
  // part, if the parts add up to the entry: signed by their own CdtDbtInd, or, as some banks
  // write the parts from the payer's side, all by the entry's. The entry's amount and
  // indicator are what the bank booked: a batch whose parts do not add up either way (or
  // whose part amounts are missing, unreadable or in another currency) is one line.
  if (auto parts = split_batch(txs, entry_amount, *sign); !parts.empty()) {
    for (std::size_t i = 0; i < txs.size(); ++i) {
      const Tx& t = txs[i];
      out_.lines.push_back(StatementLine{
          .line = e.line,
          .account = account_,
          .booking_date = *date,
          .amount = parts[i],
          .bank_ref = first_ref({&t.svcr_ref, &e.svcr_ref, &e.ntry_ref, &t.e2e}),
          .counterparty = parts[i].minor > 0 ? t.dbtr : t.cdtr,
          .text = t.text,
      });
    }
    return {};
  }

  Value none;
  const Tx* only = txs.size() == 1 ? &txs[0] : nullptr;
  StatementLine l{
      .line = e.line,
      .account = account_,
      .booking_date = std::move(*date),
      .amount = entry_amount,
      .bank_ref = first_ref(
          {&e.svcr_ref, &e.ntry_ref, only ? &only->svcr_ref : &none, only ? &only->e2e : &none}),
      .counterparty = {},
      .text = {},
  };
  // The counterparty only when every TxDtls that names one names the same account: a
  // batch booked as one line has no single other party otherwise.
  bool conflict = false;
  for (const Tx& t : txs) {
    const std::string& cp = *sign > 0 ? t.dbtr : t.cdtr;
    if (cp.empty()) continue;
    if (!l.counterparty.empty() && l.counterparty != cp) conflict = true;
    l.counterparty = cp;
  }
  if (conflict) l.counterparty.clear();
  for (const Tx& t : txs) {
    if (t.text.empty()) continue;
    if (l.text.size() + t.text.size() + 1 > kMaxText)
      return fail_at(e.line, "TxDtls/RmtInf/Ustrd", "remittance text longer than 64 KiB");
    if (!l.text.empty()) l.text += ' ';
    l.text += t.text;
  }
  out_.lines.push_back(std::move(l));
  return {};
}

std::vector<Money> split_batch(std::span<const Tx> txs, Money entry, int sign) {
  if (txs.size() < 2) return {};
  std::vector<Money> parts;
  parts.reserve(txs.size());
  __int128 own = 0, unsigned_sum = 0;
  for (const Tx& t : txs) {
    const AmountValue* a = t.amount();
    if (!a || !a->has_ccy || trim(a->ccy) != entry.currency.code()) return {};
    std::string_view v = trim(a->v.text);
    if (!v.empty() && v[0] == '+') v.remove_prefix(1);
    auto m = detail::read_decimal(v, '.', entry.currency);
    if (!m || m->minor == 0) return {};
    int tsign = sign;
    if (t.cdtdbt.seen) {
      std::string_view ind = trim(t.cdtdbt.text);
      if (ind != "CRDT" && ind != "DBIT") return {};
      tsign = ind == "CRDT" ? 1 : -1;
    }
    own += tsign * static_cast<__int128>(m->minor);
    unsigned_sum += m->minor;
    parts.push_back(Money{tsign < 0 ? -m->minor : m->minor, entry.currency});
  }
  if (own == entry.minor) return parts;
  if (unsigned_sum == (entry.minor < 0 ? -static_cast<__int128>(entry.minor) : entry.minor)) {
    for (Money& p : parts) p.minor = sign * (p.minor < 0 ? -p.minor : p.minor);
    return parts;
  }
  return {};
}

Result<Statement> Reader::run(std::istream& in, Progress* progress) {
  if (!xp_) return fail(Errc::internal, "cannot create an XML parser (out of memory)");
  XML_SetUserData(xp_, this);
  XML_SetElementHandler(xp_, on_start, on_end);
  XML_SetStartDoctypeDeclHandler(xp_, on_doctype);
  XML_SetEntityDeclHandler(xp_, on_entity);
  XML_SetParamEntityParsing(xp_, XML_PARAM_ENTITY_PARSING_NEVER);
  states_.reserve(32);

  std::uint64_t read = 0;
  for (;;) {
    // Read straight into expat's buffer: no copy of the document.
    void* buf = XML_GetBuffer(xp_, static_cast<int>(kChunk));
    if (!buf) return fail(Errc::internal, "out of memory while reading the statement");
    in.read(static_cast<char*>(buf), static_cast<std::streamsize>(kChunk));
    std::streamsize n = in.gcount();
    // failbit without eofbit: a stream that was never opened or already failed.
    if (in.bad() || (in.fail() && !in.eof()))
      return fail(Errc::unavailable,
                  "reading the statement failed after " + std::to_string(read) + " bytes");
    bool last = in.eof();
    read += static_cast<std::uint64_t>(n);
    if (progress) progress->update(read);
    if (XML_ParseBuffer(xp_, static_cast<int>(n), last) == XML_STATUS_ERROR) {
      if (error_) return std::unexpected(std::move(*error_));
      XML_Error code = XML_GetErrorCode(xp_);
      return fail_at(line(), "XML",
                     std::string(XML_ErrorString(code)) + " (column " +
                         std::to_string(XML_GetCurrentColumnNumber(xp_) + 1) +
                         "); the file is not well-formed XML");
    }
    if (error_) return std::unexpected(std::move(*error_));
    if (last) break;
  }
  if (!document_seen_)
    return fail_at(1, "Document",
                   "no ISO 20022 Document element: this is not a camt statement");
  return std::move(out_);
}

}  // namespace

Result<Statement> parse_camt(std::istream& in, CamtMessage expect, Progress* progress) {
  Reader r(expect);
  return r.run(in, progress);
}

Result<Statement> parse_camt053(std::istream& in, Progress* progress) {
  return parse_camt(in, CamtMessage::statement, progress);
}

Result<Statement> parse_camt_file(const std::filesystem::path& path, CamtMessage expect,
                                  Progress* progress) {
  return detail::parse_file(path, progress,
                            [&](std::istream& in) { return parse_camt(in, expect, progress); });
}

Result<Statement> parse_camt053_file(const std::filesystem::path& path, Progress* progress) {
  return parse_camt_file(path, CamtMessage::statement, progress);
}

}  // namespace amanat::books::import
