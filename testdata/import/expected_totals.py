#!/usr/bin/env python3
"""Expected totals of bank statement samples, computed independently of amanat's C++ readers.

    expected_totals.py MANIFEST [--dir DIR] > EXPECTED

MANIFEST is a tab-separated file with the columns `file format map expect` (see
testdata/import/README.md); `file` is relative to DIR (default: the manifest's folder's
parent, testdata/import). For every sample whose `expect` is `ok`, this prints one row
`file account currency lines credits debits` per account and currency: how many lines booking
makes, and the sums of money in and money out as plain decimals. src/books/import/
statement_samples_test.cc parses each sample with the C++ readers and requires the very same
figures.

Only the Python standard library is used (xml.etree, csv, codecs, decimal, re), with its own
reading of each format as docs/statements.md describes it, so that a mistake in one reader
shows up as a difference instead of being copied into the expected figures. A sample this
script cannot read stops it with the file's name.
"""
import codecs
import csv
import io
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

# Minor-unit exponents of the currencies the samples use (ISO 4217).
EXPONENT = {
    "EUR": 2, "USD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "GBP": 2, "PLN": 2, "HUF": 2,
    "CZK": 2, "KZT": 2, "RUB": 2, "UAH": 2, "KGS": 2, "UZS": 2, "CAD": 2, "JPY": 0,
    "KWD": 3, "BHD": 3,
}
NUMERIC = {"398": "KZT", "643": "RUB", "810": "RUB", "840": "USD", "978": "EUR", "756": "CHF"}


class Totals:
    def __init__(self):
        self.rows = defaultdict(lambda: [0, Decimal(0), Decimal(0)])

    def add(self, account, ccy, amount):
        if ccy not in EXPONENT:
            raise ValueError(f"currency {ccy} not in this script's table")
        q = Decimal(1).scaleb(-EXPONENT[ccy])
        if amount != amount.quantize(q):
            raise ValueError(f"{amount} {ccy} is not exact in the currency")
        if amount == 0:
            return
        row = self.rows[(account, ccy)]
        row[0] += 1
        if amount > 0:
            row[1] += amount
        else:
            row[2] -= amount

    def lines(self, name):
        out = []
        for (account, ccy), (n, cr, dr) in sorted(self.rows.items()):
            q = Decimal(1).scaleb(-EXPONENT[ccy])
            out.append(f"{name}\t{account}\t{ccy}\t{n}\t{cr.quantize(q)}\t{dr.quantize(q)}")
        return out


def compact_iban(s):
    s = s.strip()
    c = s.replace(" ", "").upper()
    if re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", c):
        return c
    return s


# ---- camt.052 / camt.053 / camt.054 -------------------------------------------------------------

def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(e, *names):
    for name in names:
        found = None
        for c in e:
            if local(c.tag) == name:
                found = c
                break
        if found is None:
            return None
        e = found
    return e


def children(e, name):
    return [c for c in e if local(c.tag) == name]


def text(e):
    return (e.text or "").strip() if e is not None else ""


def account_id(acct):
    ident = child(acct, "Id")
    if ident is None:
        return ""
    for name in ("IBAN", "BBAN", "UPIC"):
        if child(ident, name) is not None:
            return compact_iban(text(child(ident, name)))
    for name in ("Othr", "PrtryAcct"):
        if child(ident, name, "Id") is not None:
            return compact_iban(text(child(ident, name, "Id")))
    return ""


def camt(path, totals):
    root = ET.parse(path).getroot()
    docs = [e for e in root.iter() if local(e.tag) == "Document"]
    doc = docs[0]
    msg = doc[0]
    part = {"BkToCstmrStmt": "Stmt", "BkToCstmrAcctRpt": "Rpt",
            "BkToCstmrDbtCdtNtfctn": "Ntfctn"}[re.sub(r"V01$", "", local(msg.tag))]
    for p in children(msg, part):
        acct = account_id(child(p, "Acct"))
        for n in children(p, "Ntry"):
            sts = child(n, "Sts")
            status = text(child(sts, "Cd")) if child(sts, "Cd") is not None else text(sts)
            if status != "BOOK":
                continue
            amt = child(n, "Amt")
            ccy = amt.get("Ccy")
            value = Decimal(text(amt))
            sign = 1 if text(child(n, "CdtDbtInd")) == "CRDT" else -1
            entry = sign * value
            txs = [t for d in children(n, "NtryDtls") for t in children(d, "TxDtls")]
            parts = batch_parts(txs, ccy, entry, sign)
            for amount in parts if parts else [entry]:
                totals.add(acct, ccy, amount)


def batch_parts(txs, ccy, entry, sign):
    """The signed amounts of a batch's parts, or None when the entry stays one line."""
    if len(txs) < 2:
        return None
    amounts, signs = [], []
    for t in txs:
        a = child(t, "AmtDtls", "TxAmt", "Amt")
        if a is None:
            a = child(t, "Amt")
        if a is None or a.get("Ccy", "").strip() != ccy:
            return None
        v = text(a)
        if not re.fullmatch(r"\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)", v):
            return None
        d = Decimal(v.lstrip("+"))
        if d == 0 or d != d.quantize(Decimal(1).scaleb(-EXPONENT[ccy])):
            return None
        ind = text(child(t, "CdtDbtInd"))
        if child(t, "CdtDbtInd") is not None and ind not in ("CRDT", "DBIT"):
            return None
        amounts.append(d)
        signs.append(sign if child(t, "CdtDbtInd") is None else (1 if ind == "CRDT" else -1))
    own = [s * a for s, a in zip(signs, amounts)]
    if sum(own) == entry:
        return own
    if sum(amounts) == abs(entry):
        return [sign * a for a in amounts]
    return None


# ---- SWIFT MT940 / MT942 -----------------------------------------------------------------------

BALANCE_MISMATCHES = []  # MT940 messages whose balances do not agree with their lines
LINE61 = re.compile(r"^(\d{6})(\d{4}| {4})?(RC|RD|C|D)([A-Z])?([0-9,]+)[A-Z]")


def mt940_account(v):
    v = v.split("\n")[0].strip()
    if len(v) > 3 and v[-3:] in EXPONENT:
        head = v[:-3].rstrip()
        if head and (head[-1].isdigit() or v[-4] == " "):
            v = head
    return compact_iban(v)


def mt940(path, totals):
    data = Path(path).read_bytes().decode("latin-1")
    fields, current = [], None
    for raw in re.split(r"\r\n|\n|\r", data):
        line = raw.strip()
        while line.startswith("{"):
            if line.startswith("{4:"):
                line = line[3:]
                break
            line = line[line.find("}") + 1:] if "}" in line else ""
        m = re.match(r"^:([0-9A-Z]{2,3}):", line)
        if m:
            current = [m.group(1), line[m.end():]]
            fields.append(current)
        elif line in ("-", "-}") or line.startswith("-}{"):
            current = None
    account, ccy, balance = None, None, None
    for tag, value in fields:
        if tag in ("62F", "62M") and balance is not None:
            # The message's own check: opening balance plus its lines is its closing balance.
            m = re.match(r"([CD])\d{6}([A-Z]{3})([0-9,]+)", value.strip())
            closing = (1 if m.group(1) == "C" else -1) * Decimal(m.group(3).replace(",", "."))
            if closing != balance:
                BALANCE_MISMATCHES.append(f"{path}: {account}: opening + lines = {balance}, closing {closing}")
            balance = None
        if tag in ("60F", "60M"):
            m = re.match(r"([CD])\d{6}([A-Z]{3})([0-9,]+)", value.strip())
            balance = (1 if m.group(1) == "C" else -1) * Decimal(m.group(3).replace(",", "."))
        if tag == "20":
            account, ccy = None, None
        elif tag == "25":
            account = mt940_account(value)
        elif tag in ("60F", "60M") and ccy is None:
            ccy = value.strip()[7:10]
        elif tag == "34F" and ccy is None:
            ccy = value.strip()[0:3]
        elif tag == "61":
            m = LINE61.match(value)
            if not m:
                raise ValueError(f":61: {value!r} not understood")
            sign = 1 if m.group(3) in ("C", "RD") else -1
            totals.add(account, ccy, sign * Decimal(m.group(5).replace(",", ".")))
            if balance is not None:
                balance += sign * Decimal(m.group(5).replace(",", "."))


# ---- 1C client-bank exchange -------------------------------------------------------------------

HEADER_KEYS = {"версияформата", "кодировка", "отправитель", "получатель", "датасоздания",
               "времясоздания", "датаначала", "датаконца", "расчсчет", "документ",
               "секциярасчсчет", "секциядокумент"}


def onec_text(data):
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for line in data.split(b"\n"):
        if any(b >= 0x80 for b in line):
            def key(enc):
                return line.decode(enc, "replace").split("=")[0].strip().lower()
            dos = key("cp866") in HEADER_KEYS and key("cp1251") not in HEADER_KEYS
            return data.decode("cp866" if dos else "cp1251")
    return data.decode("ascii")


def onec(path, totals):
    lines = onec_text(Path(path).read_bytes()).splitlines()
    own, docs, doc, header_ccy, section_ccy = set(), [], None, "", ""
    where = "header"
    for line in lines[1:]:
        line = line.strip()
        key, _, value = line.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key == "конецфайла":
            break
        if key == "секциядокумент":
            doc = {}
        elif key == "конецдокумента":
            docs.append((doc, section_ccy or header_ccy))
            doc = None
        elif key == "секциярасчсчет":
            where, section_ccy = "account", ""
        elif key == "конецрасчсчет":
            where = "header"
        elif doc is not None:
            doc.setdefault(key, value)
        elif key == "расчсчет":
            own.add(compact_iban(value))
        elif key == "валюта":
            if where == "account":
                section_ccy = value
            else:
                header_ccy = value
    for d, ccy_default in docs:
        def get(*keys):
            for k in keys:
                if d.get(k, "").strip():
                    return d[k].strip()
            return ""
        payer = compact_iban(get("плательщиксчет", "плательщикрасчсчет", "плательщикиик"))
        payee = compact_iban(get("получательсчет", "получательрасчсчет", "получательиик"))

        def currency(account):
            code = get("валюта") or ccy_default
            if code:
                return NUMERIC.get(code, code)
            if re.fullmatch(r"[0-9]{20}", account):
                return NUMERIC[account[5:8]]
            if account.startswith("KZ"):
                return "KZT"
            raise ValueError("no currency")

        def amount(v):
            return Decimal(v.replace(",", "."))

        income, expense = get("суммаприход"), get("суммарасход")
        if income and amount(income) != 0:
            acct = payee if payee in own else next(iter(own))
            totals.add(acct, currency(acct), amount(income))
        elif expense and amount(expense) != 0:
            acct = payer if payer in own else next(iter(own))
            totals.add(acct, currency(acct), -amount(expense))
        elif payer not in own and payee not in own and len(own) == 1 and \
                bool(get("датасписано")) != bool(get("датапоступило")):
            acct = next(iter(own))
            value = amount(get("сумма"))
            totals.add(acct, currency(acct), value if get("датапоступило") else -value)
        else:
            if payer in own:
                totals.add(payer, currency(payer), -amount(get("сумма")))
            if payee in own:
                totals.add(payee, currency(payee), amount(get("сумма")))


# ---- CSV ---------------------------------------------------------------------------------------

def csv_statement(path, mapping, totals):
    m = dict(kv.split("=", 1) for kv in mapping.split(";") if kv)
    data = Path(path).read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        text_ = data[3:].decode("utf-8")
    elif data.startswith(codecs.BOM_UTF16_LE):
        text_ = data[2:].decode("utf-16-le")
    elif data.startswith(codecs.BOM_UTF16_BE):
        text_ = data[2:].decode("utf-16-be")
    else:
        text_ = data.decode({"windows-1251": "cp1251"}.get(m.get("encoding", "utf-8"), "utf-8"))
    delim = {"semicolon": ";", "tab": "\t", "comma": ","}.get(m.get("delimiter", ","), m.get("delimiter", ","))
    rows = [r for r in csv.reader(io.StringIO(text_, newline=""), delimiter=delim) if r]
    header = [h.strip() for h in rows[0]]
    thousands = {"space": " ", "nbsp": "\u00a0", "none": ""}.get(m.get("thousands", "none"), m.get("thousands"))

    def number(v):
        v = v.strip()
        if thousands:
            v = v.replace(thousands, "")
        return Decimal(v.replace(m.get("decimal", "."), "."))

    for r in rows[1:]:
        cell = {h: v for h, v in zip(header, r)}
        ccy = m.get("currency-code") or cell[m["currency"]].strip()
        if "amount" in m:
            value = number(cell[m["amount"]])
        else:
            cr, dr = cell[m["credit"]].strip(), cell[m["debit"]].strip()
            value = number(cr) if cr else -number(dr)
        totals.add(m["account"], ccy, value)


def main(argv):
    manifest = Path(argv[1])
    base = Path(argv[argv.index("--dir") + 1]) if "--dir" in argv else manifest.parent.parent
    out = []
    with open(manifest, encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "file":
                continue
            name, fmt, mapping, expect = row[0], row[1], row[2], row[3]
            if expect != "ok":
                continue
            totals = Totals()
            try:
                if fmt.startswith("camt"):
                    camt(base / name, totals)
                elif fmt in ("mt940", "mt942"):
                    mt940(base / name, totals)
                elif fmt == "1c":
                    onec(base / name, totals)
                elif fmt == "csv":
                    csv_statement(base / name, mapping, totals)
                else:
                    raise ValueError(f"unknown format {fmt}")
            except Exception as e:  # name the file, then stop
                sys.exit(f"{name}: {e!r}")
            out.extend(totals.lines(name))
    print("file\taccount\tcurrency\tlines\tcredits\tdebits")
    print("\n".join(out))
    for m in BALANCE_MISMATCHES:  # the bank's file, not the figures, disagrees with itself
        print("balance check:", m, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
