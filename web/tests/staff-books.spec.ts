// The staff's books screens in a real browser: a bank statement imported (with its upload's
// progress, its reconciliation, and importing it again booking nothing twice), a transfer between
// funds booked by a director and then reversed by an accountant's correction, a report
// published on the log, the dashboard's chart with its table; every new screen scanned by
// axe-core in each language, at desktop and phone width.
import { expect, test, type Page } from "@playwright/test";
import { appeal, expectAccessible, freshCode, langs, logIn, password, screenshot, setLang, watchConsole } from "./support";

test.describe.configure({ mode: "serial" });

const phone = { width: 390, height: 844 };
const today = () => new Date().toISOString().slice(0, 10);

// A camt.053 statement of the demo's bank account (invented): money in that a donation booked by
// hand already carries (its bank reference and amount), new money in, and money out.
function camt053(matchedRef: string): Buffer {
  const entry = (ref: string, amount: string, cd: "CRDT" | "DBIT", party: string) => `
        <Ntry>
          <Amt Ccy="KZT">${amount}</Amt><CdtDbtInd>${cd}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
          <BookgDt><Dt>${today()}</Dt></BookgDt>
          <AcctSvcrRef>${ref}</AcctSvcrRef>
          <NtryDtls><TxDtls><RltdPties>${party}</RltdPties><RmtInf><Ustrd>Invented payment for a test</Ustrd></RmtInf></TxDtls></NtryDtls>
        </Ntry>`;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>E2E-BOOKS-1</MsgId><CreDtTm>${today()}T18:00:00Z</CreDtTm></GrpHdr>
    <Stmt>
      <Id>E2E-BOOKS-1-1</Id>
      <Acct><Id><IBAN>KZ000000000000000001</IBAN></Id><Ccy>KZT</Ccy></Acct>${
        entry(matchedRef, "5000.00", "CRDT", "<DbtrAcct><Id><IBAN>KZ000000000000000777</IBAN></Id></DbtrAcct>")}${
        entry("E2E-BOOKS-NEW-1", "7000.00", "CRDT", "<DbtrAcct><Id><IBAN>KZ000000000000000778</IBAN></Id></DbtrAcct>")}${
        entry("E2E-BOOKS-OUT-1", "2500.00", "DBIT", "<CdtrAcct><Id><IBAN>KZ000000000000000779</IBAN></Id></CdtrAcct>")}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`);
}

const result = (page: Page, what: string) => page.locator("table.reconciliation tr", { has: page.getByRole("rowheader", { name: what, exact: true }) }).locator("td");

test("an accountant imports a bank statement, sees the upload complete and the reconciliation, and the import in the list",
  async ({ page }, info) => {
    const consoleClean = watchConsole(page, [401]);
    await setLang(page, "en");
    await logIn(page, "e2e-accountant");
    // A donation booked by hand with the bank's reference: the statement's line matches it.
    const ref = `E2E-BOOKS-${Date.now()}`;
    await page.getByRole("link", { name: "Donations" }).click();
    await page.getByLabel("Fund").selectOption("general");
    await page.getByLabel(/^Amount/).fill("5000");
    await page.getByLabel(/^Bank reference/).fill(ref);
    await page.getByRole("button", { name: "Book the donation" }).click();
    await expect(page.locator(".receipt .code")).toBeVisible();

    await page.getByRole("link", { name: "Bank statements" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bank statements");
    const file = { name: "statement-e2e.xml", mimeType: "application/xml", buffer: camt053(ref) };
    await page.getByLabel("Statement file").setInputFiles(file);
    await expect(page.getByLabel("Format")).toHaveValue("camt");  // from the file's name
    await page.getByRole("button", { name: "Import the statement" }).click();
    await expect(page.getByText(/^Statement imported as import \d+ \(camt\.053\.001\.08\)\.$/)).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "Upload" })).toHaveJSProperty("value", 1);
    await expect(result(page, "All lines in the file")).toHaveText("3");
    await expect(result(page, "Money in booked as new donations")).toHaveText("1");
    await expect(result(page, "Money in matched to donations booked by hand")).toHaveText("1");
    await expect(result(page, "Already imported before (nothing booked)")).toHaveText("0");
    await expect(result(page, "Money out, kept for reconciliation")).toHaveText("1");
    // The result has the focus, so that a screen reader reads it next.
    await expect(page.locator(":focus")).toContainText("Statement imported as import");
    const id = (await page.getByText(/^Statement imported as import/).textContent())!.match(/import (\d+)/)![1]!;
    const first = page.locator("table.cards tbody tr").first();
    await expect(first.locator("td").first()).toHaveText(id);
    await expect(first).toContainText("camt.053.001.08");
    await expectAccessible(page);
    await screenshot(page, info, "staff-statements-result-en");

    // The same file again books nothing twice.
    await page.getByRole("button", { name: "Import the statement" }).click();
    await expect(result(page, "Already imported before (nothing booked)")).toHaveText("3");
    await expect(result(page, "Money in booked as new donations")).toHaveText("0");
    await expect(page.locator("table.cards tbody tr")).toHaveCount(2);
    await page.setViewportSize(phone);
    await screenshot(page, info, "staff-statements-result-en-phone");
    consoleClean();
  });

test("a director books a transfer that appears in the list, and an accountant books its correction", async ({ page, browser }, info) => {
  const consoleClean = watchConsole(page, [401]);
  await setLang(page, "en");
  // The director enrols an authenticator app at the first login.
  await logIn(page, "e2e-books-director");
  await page.getByLabel("Your password").fill(password("e2e-books-director"));
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.locator("code.secret").textContent())!.trim();
  await page.getByLabel("Code from the app").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("navigation", { name: "Staff menu" })).toBeVisible();

  await page.getByRole("link", { name: "Transfers" }).click();
  const to = appeal();
  await page.getByLabel("From fund").selectOption("general");
  await page.getByLabel("To fund").selectOption(to);
  await page.getByLabel(/^Amount/).fill("1000");
  await page.getByLabel("Reason").fill("Invented: legal costs beyond the appeal's target");
  await page.getByRole("button", { name: "Book the transfer" }).click();
  const booked = page.getByText(/^Transfer \d+ is booked\.$/);
  await expect(booked).toBeVisible();
  const record = (await booked.textContent())!.match(/\d+/)![0];
  const row = page.locator("table.cards tbody tr").first();
  await expect(row.locator("td").first()).toHaveText(record);
  await expect(row).toContainText(to);
  await expect(row).toContainText("KZT 1,000.00");
  await expect(row).toContainText("Invented: legal costs");
  await screenshot(page, info, "staff-transfers-director-en");
  // The director's form, in every language and at both widths.
  for (const lang of langs) {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator("label.lang select").selectOption(lang);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expectAccessible(page);
    await screenshot(page, info, `staff-transfers-director-${lang}`);
    await page.setViewportSize(phone);
    await expectAccessible(page);
    await screenshot(page, info, `staff-transfers-director-${lang}-phone`);
  }

  // An accountant may not move money, but corrects the transfer from the list.
  const ctx = await browser.newContext();
  const acc = await ctx.newPage();
  const accClean = watchConsole(acc, [401, 409, 422]);  // not yet logged in; a second correction
  await setLang(acc, "en");
  await logIn(acc, "e2e-accountant-2");
  await acc.getByRole("link", { name: "Transfers" }).click();
  await expect(acc.locator("table.cards tbody tr").first().locator("td").first()).toHaveText(record);
  await expect(acc.getByRole("button", { name: "Book the transfer" })).toHaveCount(0);
  await acc.getByRole("link", { name: `Correct record ${record}` }).click();
  await expect(acc.getByRole("heading", { level: 1 })).toHaveText("Correct a booked record");
  await expect(acc.getByLabel("Record to reverse")).toHaveValue(record);
  await acc.getByLabel("Reason for the correction").fill("Invented: booked to the wrong appeal");
  await acc.getByRole("button", { name: "Book the correction" }).click();
  const corrected = acc.getByText(new RegExp(`^Record ${record} is reversed by correction \\d+\\.$`));
  await expect(corrected).toBeVisible();
  await expect(acc.locator(":focus")).toContainText(`Record ${record} is reversed`);
  const correction = (await corrected.textContent())!.match(/correction (\d+)/)![1]!;
  await expectAccessible(acc);
  await screenshot(acc, info, "staff-correction-done-en");
  // Twice: the server refuses, in the reader's language.
  await acc.getByLabel("Reason for the correction").fill("Invented: the same again");
  await acc.getByRole("button", { name: "Book the correction" }).click();
  await expect(acc.getByRole("alert")).toHaveText("This record was already reversed.");
  await acc.getByRole("link", { name: "Transfers" }).click();
  const reversed = acc.locator("table.cards tbody tr").first();
  await expect(reversed).toHaveClass(/reversed/);
  await expect(reversed).toContainText(`reversed by record ${correction}`);
  await expect(reversed.getByRole("link", { name: /^Correct record/ })).toHaveCount(0);
  accClean();
  await ctx.close();
  consoleClean();
});

test("an accountant publishes a report and sees its record and the checkpoint that includes it", async ({ page }, info) => {
  const consoleClean = watchConsole(page, [401]);
  await setLang(page, "en");
  await logIn(page, "e2e-accountant");
  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report");
  const covers = (await page.getByText(/^These figures cover the first/).textContent())!.match(/first ([\d,]+)/)![1]!.replace(/,/g, "");
  await page.getByRole("button", { name: "Publish the report" }).click();
  const published = page.getByText(/^The report is published as record \d+; it covers the [\d,]+ records before it\.$/);
  await expect(published).toBeVisible();
  const record = Number((await published.textContent())!.match(/record (\d+)/)![1]);
  expect(record).toBe(Number(covers));
  await expect(page.getByText(/^The log's signed checkpoint now covers [\d,]+ records, the report included\.$/)).toBeVisible();
  await expect(page.locator(":focus")).toContainText("The report is published");
  // The figures on the screen now cover the report's record too.
  await expect(page.getByText(/^These figures cover the first/)).toHaveText(
    `These figures cover the first ${(record + 1).toLocaleString("en")} records of the log.`);
  await expectAccessible(page);
  await screenshot(page, info, "staff-report-published-en");
  consoleClean();
});

test("the dashboard shows a fund's months as a chart with its table, and spending by category", async ({ page }, info) => {
  const consoleClean = watchConsole(page, [401]);
  await setLang(page, "en");
  await logIn(page, "e2e-accountant");
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  await page.getByLabel("Fund").selectOption(appeal());
  await expect(page.getByRole("img", { name: /^Chart of money raised and spent per month/ })).toBeVisible();
  const months = page.getByRole("region", { name: "Money in and out by month" }).getByRole("table");
  await expect(months.getByRole("columnheader")).toHaveText(["Month", "Raised", "Spent"]);
  expect(await months.locator("tbody tr").count()).toBeGreaterThan(0);
  // This month has the test's donation to the appeal (12,345.67, tests/serve.sh) and the transfer isn't money raised.
  await expect(months.locator("tbody tr").first().locator("td").first()).toContainText("KZT");
  const whole = page.getByRole("table", { name: "The whole organisation" });
  await expect(whole.getByRole("columnheader")).toHaveText(["Category", "Amount", "Share"]);
  expect(await whole.locator("tbody tr").count()).toBeGreaterThan(0);
  await screenshot(page, info, "staff-dashboard-appeal-en");
  await page.getByLabel("Fund").selectOption("general");
  await expect(page.getByRole("table", { name: "General fund: spending by category" }).or(page.getByText("No expenses yet.")).first()).toBeVisible();
  await expect(page.getByRole("img", { name: /^Chart of money raised and spent per month/ })).toBeVisible();
  consoleClean();
});

for (const lang of langs) {
  test(`the books screens are accessible and translated (${lang})`, async ({ page }, info) => {
    const consoleClean = watchConsole(page, [401]);
    await setLang(page, lang);
    await logIn(page, "e2e-accountant");
    await expect(page.locator("nav a")).toHaveCount(8);
    for (const size of ["desktop", "phone"] as const) {
      if (size === "phone") await page.setViewportSize(phone);
      for (const screen of ["transfers", "corrections", "statements", "report", "dashboard"]) {
        await page.goto(`/staff/demo/${screen}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator(".loading")).toHaveCount(0);
        await expectAccessible(page);
        // Nothing wider than the screen (a phone would scroll the whole page sideways).
        expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(size === "phone" ? phone.width : 1280);
        await screenshot(page, info, `staff-${screen}-${lang}${size === "phone" ? "-phone" : ""}`);
      }
    }
    consoleClean();
  });
}
