// The staff's app in a real browser: TOTP enrolment with its QR code and a login with TOTP; an
// appeal opened, donations and an expense with a receipt booked, the expense approved by two
// other people and then seen on the public page; a role without rights sees neither the menu
// nor the data; every screen scanned by axe-core in each language and at phone width.
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, freshCode, langs, logIn, password, screenshot, setLang, watchConsole } from "./support";

let directorSecret = "";

test.describe.configure({ mode: "serial" });

test("a director enrols TOTP with the QR code, then logs in with password and code", async ({ page }, info) => {
  const consoleClean = watchConsole(page, [401]);  // not yet logged in; a login without its code
  await setLang(page, "en");
  await logIn(page, "e2e-director");
  await expect(page.getByText("Your role needs an authenticator app")).toBeVisible();
  // Nothing but the enrolment is offered before it is done.
  await expect(page.getByRole("navigation", { name: "Staff menu" })).toHaveCount(0);
  await page.getByLabel("Your password").fill(password("e2e-director"));
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for the authenticator app" })).toBeVisible();
  directorSecret = (await page.locator("code.secret").textContent())!.trim();
  await screenshot(page, info, "staff-totp-en");
  await expectAccessible(page);
  await page.getByLabel("Code from the app").fill(await freshCode(directorSecret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("The authenticator app is set up.").first()).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Staff menu" })).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You have logged out.")).toBeVisible();

  // Without the code: the same answer as a wrong password.
  await logIn(page, "e2e-director");
  await expect(page.getByRole("alert")).toHaveText("Wrong name, password or code.");
  await logIn(page, "e2e-director", await freshCode(directorSecret));
  await expect(page.getByRole("navigation", { name: "Staff menu" })).toBeVisible();
  await expect(page.getByText("e2e-director, director")).toBeVisible();
  consoleClean();
});

test("an appeal is opened, donations and an expense with a receipt booked, approved twice, and shown on the public page",
  async ({ page, browser }, info) => {
    const consoleClean = watchConsole(page, [401, 422]);  // not yet logged in; approving one's own expense
    await setLang(page, "en");
    await logIn(page, "e2e-accountant");
    await page.getByRole("link", { name: "Appeals" }).click();
    await page.getByText("Open an appeal").click();
    await page.getByLabel("Code", { exact: true }).fill("A-2026-900");
    await page.getByLabel("Public title").fill("Legal help for case C-0900 (invented)");
    await page.getByLabel("Case code").fill("C-0900");
    await page.getByLabel(/^Target/).fill("500000");
    await page.getByRole("button", { name: "Open the appeal" }).click();
    await expect(page.getByText("Appeal A-2026-900 is open.")).toBeVisible();
    await screenshot(page, info, "staff-appeals-en");

    await page.getByRole("link", { name: "Donations" }).click();
    await page.getByLabel("Fund").selectOption("A-2026-900");
    for (const amount of ["150000", "75000.50"]) {
      await page.getByLabel(/^Amount/).fill(amount);
      await page.getByRole("button", { name: "Book the donation" }).click();
      await expect(page.locator(".receipt .code")).toHaveText(/^\d+(-[0-9A-Z]{4}){6}-[0-9A-Z]{2}$/);
    }
    await page.getByLabel(/^Amount/).fill("12.345");  // more decimals than tenge has: refused here
    await page.getByRole("button", { name: "Book the donation" }).click();
    await expect(page.getByText("at most 2 digits after the point")).toBeVisible();
    await expect(page.locator("table.cards tbody tr").first()).toContainText("75,000.50");
    await screenshot(page, info, "staff-donations-en");

    await page.getByRole("link", { name: "Expenses" }).click();
    await page.getByLabel("Fund").selectOption("A-2026-900");
    await page.getByLabel(/^Amount/).fill("40000");
    await page.getByLabel("Category").selectOption("lawyer");
    await page.getByLabel("Payee").fill("An invented law office");
    await page.getByLabel(/^Receipt/).setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4 an invented receipt for the test") });
    await page.getByRole("button", { name: "Book the expense" }).click();
    const booked = page.getByText(/^Expense \d+ is booked\./);
    await expect(booked).toBeVisible();
    const record = (await booked.textContent())!.match(/\d+/)![0];
    // Whoever booked it may not approve it.
    await page.getByRole("link", { name: `Expense ${record}` }).first().click();
    await expect(page.getByText("Receipts")).toBeVisible();
    await expect(page.locator("section code")).toHaveCount(1);
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("alert")).toHaveText("You booked this expense, so you may not approve it.");
    await screenshot(page, info, "staff-expense-en");

    // Two other people approve it.
    for (const name of ["e2e-accountant-2", "e2e-director"]) {
      const code = name === "e2e-director" ? await freshCode(directorSecret) : "";
      const ctx = await browser.newContext();
      const other = await ctx.newPage();
      await setLang(other, "en");
      await logIn(other, name, code);
      await expect(other.getByRole("navigation", { name: "Staff menu" })).toBeVisible();
      await other.goto(`/staff/demo/expenses/${record}`);
      await other.getByRole("button", { name: "Approve" }).click();
      await expect(other.getByText("Your approval is recorded.")).toBeVisible();
      await ctx.close();
    }
    await page.reload();
    await expect(page.getByRole("heading", { name: "Approvals (2/2)" })).toBeVisible();

    await page.goto("/demo/appeals/A-2026-900");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Legal help for case C-0900 (invented)");
    const row = page.locator("table.expenses tbody tr").first();
    await expect(row).toContainText("KZT 40,000.00");
    await expect(row).toContainText("yes");
    await expect(page.locator(".stats dd").nth(1)).toHaveText("KZT 225,000.50");
    consoleClean();
  });

test("a role without rights sees neither the menu nor the data, and the server refuses it anyway", async ({ page }) => {
  await setLang(page, "en");
  await logIn(page, "e2e-hotline");
  const nav = page.getByRole("navigation", { name: "Staff menu" });
  await expect(nav).toBeVisible();
  // A hotline operator sees the hotline's screens and the cases they opened, nothing of the books.
  await expect(nav.getByRole("link")).toHaveText(["Hotline", "Consultations", "Cases", "My account"]);
  await page.goto("/staff/demo/donations");
  await expect(page.getByRole("alert")).toHaveText("There is no such page.");
  await expect(page.locator("table")).toHaveCount(0);
  const refused = await page.evaluate(async () => (await fetch("/api/v1/orgs/demo/donations")).status);
  expect(refused).toBe(403);
});

for (const lang of langs) {
  test(`the staff's screens are accessible and translated (${lang})`, async ({ page }, info) => {
    await setLang(page, lang);
    await page.goto("/staff/demo/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();  // the login form, not "loading"
    await expectAccessible(page);
    await screenshot(page, info, `staff-login-${lang}`);
    await logIn(page, "e2e-accountant");
    await expect(page.locator("nav a")).toHaveCount(8);
    for (const screen of ["appeals", "donations", "expenses", "account"]) {
      await page.goto(`/staff/demo/${screen}`);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.locator(".loading")).toHaveCount(0);
      await expectAccessible(page);
      await screenshot(page, info, `staff-${screen}-${lang}`);
    }
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto("/staff/demo/expenses");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.locator(".loading")).toHaveCount(0);
    await expectAccessible(page);
    await screenshot(page, info, `staff-expenses-${lang}-phone`);
  });
}
