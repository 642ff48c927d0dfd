// The public transparency site in a real browser, in every language and at phone width.
import { expect, test } from "@playwright/test";
import {
  appeal, expectAccessible, kkDate, kkMoney, langs, screenshot, setLang, watchConsole,
} from "./support";

const phone = { width: 375, height: 812 };

for (const lang of langs) {
  test(`the front page shows the organisation's figures and every appeal (${lang})`, async ({ page, request }, info) => {
    const consoleClean = watchConsole(page);
    await setLang(page, lang);
    await page.goto("/");
    await expect(page).toHaveURL(/\/demo\/$/);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demo Foundation (invented)");
    const report = await (await request.get("/api/v1/orgs/demo/report")).json();
    await expect(page.locator(".appeals > li")).toHaveCount(report.funds.length);
    await screenshot(page, info, `home-${lang}`);
    await expectAccessible(page);
    await page.setViewportSize(phone);
    await screenshot(page, info, `home-${lang}-phone`);
    await expectAccessible(page);
    consoleClean();
  });

  test(`an appeal's page shows its figures, its months as a chart and a table, and its expenses (${lang})`,
    async ({ page, request }, info) => {
      const consoleClean = watchConsole(page);
      await setLang(page, lang);
      const code = appeal();
      const api = await (await request.get(`/api/v1/orgs/demo/appeals/${code}`)).json();
      await page.goto(`/demo/appeals/${code}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(api.fund.title);
      const chart = page.getByRole("img");
      await expect(chart).toHaveAttribute("aria-label", /.+/);
      await expect(page.locator("table.months tbody tr")).toHaveCount(api.months.length);
      await expect(page.locator("table.expenses tbody tr")).toHaveCount(api.expenses.length);
      if (lang === "kk") {
        for (const dd of await page.locator(".stats dd").allTextContents()) expect(dd).toMatch(kkMoney);
        for (const d of await page.locator("table.expenses tbody tr td:first-child").allTextContents())
          expect(d).toMatch(kkDate);
      }
      await screenshot(page, info, `appeal-${lang}`);
      await expectAccessible(page);
      await page.setViewportSize(phone);
      await screenshot(page, info, `appeal-${lang}-phone`);
      await expectAccessible(page);
      consoleClean();
    });
}

test("Kazakh reads as Kazakh though the browser has no Kazakh locale data", async ({ page }) => {
  await setLang(page, "kk");
  await page.goto(`/demo/appeals/${appeal()}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // The browser's own Kazakh data (Debian's Chromium prints "1,234,567.89"), for the record;
  // the page must not depend on it.
  const native = await page.evaluate(() => new Intl.NumberFormat("kk").format(1234567.89));
  test.info().annotations.push({ type: "chromium kk number", description: native });
  const raised = await page.locator(".stats dd").nth(1).textContent();
  expect(raised).toMatch(kkMoney);
  const months = await page.locator("table.months tbody th").allTextContents();
  for (const m of months) expect(m).toMatch(/^(қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан) \d{4} ж\.$/);
  await expect(page.getByRole("heading", { name: "Айлар бойынша түсім мен шығын" })).toBeVisible();
});

test("the language chosen is remembered across pages and reloads", async ({ page }) => {
  await page.goto("/demo/");
  await page.getByRole("combobox").selectOption("kk");
  await expect(page.locator("html")).toHaveAttribute("lang", "kk");
  await expect(page.getByRole("link", { name: "Қайырымдылығымды тексеру" })).toBeVisible();
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "kk");
  await page.getByRole("link", { name: "Қайырымдылығымды тексеру" }).click();
  await expect(page).toHaveURL(/\/demo\/verify$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Қайырымдылығымды тексеру");
  await page.getByRole("combobox").selectOption("en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Verify my donation");
});

test("an appeal that does not exist is said so in the reader's language, from the server's reason", async ({ page }) => {
  await setLang(page, "ru");
  await page.goto("/demo/appeals/A-1999-000");
  await expect(page.getByRole("alert")).toHaveText("Такого сбора нет.");
});

test("pages carry a strict Content-Security-Policy and load nothing from elsewhere", async ({ page, request }) => {
  const html = await request.get("/demo/");
  const csp = html.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(html.headers()["cache-control"]).toBe("no-cache");
  const origins = new Set<string>();
  page.on("request", (r) => origins.add(new URL(r.url()).origin));
  const consoleClean = watchConsole(page);
  await page.goto(`/demo/appeals/${appeal()}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect([...origins]).toEqual([new URL(page.url()).origin]);
  const script = await page.locator("script[type=module]").getAttribute("src");
  const asset = await request.get(script!);
  expect(asset.headers()["cache-control"]).toContain("immutable");
  consoleClean();
});
