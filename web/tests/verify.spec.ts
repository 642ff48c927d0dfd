// "Verify my donation" in a real browser: the proof is checked by the page itself, a tampered
// proof is refused loudly, and a later checkpoint must extend the one seen before.
import { expect, test, type Page } from "@playwright/test";
import { accountantPassword, expectAccessible, langs, receipt, screenshot, setLang, watchConsole } from "./support";

async function verify(page: Page, code: string) {
  await page.getByRole("textbox").fill(code);
  await page.getByRole("button", { name: /Verify|Проверить|Тексеру/ }).click();
}

for (const engine of ["webcrypto", "noble"] as const) {
  test(`a donor's receipt code verifies in the browser with a checklist (${engine})`, async ({ page }, info) => {
    const consoleClean = watchConsole(page);
    await setLang(page, "en");
    await page.goto(`/demo/verify?crypto=${engine}`);
    await verify(page, receipt().toLowerCase().replace(/-/g, ""));  // as a donor might type it
    const ok = page.locator(".result.ok");
    await expect(ok).toBeVisible();
    await expect(ok.locator(".checks li")).toHaveCount(5);
    await expect(ok).toContainText(engine === "noble" ? "@noble/ed25519" : "Web Crypto");
    await expect(ok).toContainText("KZT 12,345.67");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: /\.tlog-proof/ }).click();
    const file = await (await download).path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(file, "utf8")).toMatch(/^c2sp\.org\/tlog-proof@v1\nextra /);
    await screenshot(page, info, `verify-ok-${engine}`);
    consoleClean();
  });
}

for (const lang of langs) {
  test(`the verify page is accessible, before and after a check (${lang})`, async ({ page }, info) => {
    await setLang(page, lang);
    await page.goto("/demo/verify");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();  // rendered, not still loading
    await expectAccessible(page);
    await verify(page, receipt());
    await expect(page.locator(".result.ok")).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, info, `verify-${lang}`);
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, info, `verify-${lang}-phone`);
  });
}

test("a tampered proof is refused loudly and explained", async ({ page }, info) => {
  await setLang(page, "en");
  await page.route("**/api/v1/orgs/demo/donations/proof", async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    const lines: string[] = body.proof.split("\n");
    const i = lines.findIndex((l) => l.startsWith("index ")) + 1;  // the first hash of the path
    lines[i] = (lines[i]![0] === "A" ? "B" : "A") + lines[i]!.slice(1);
    await route.fulfill({ response: res, json: { ...body, proof: lines.join("\n") } });
  });
  await page.goto("/demo/verify");
  await verify(page, receipt());
  const failed = page.getByRole("alert");
  await expect(failed).toContainText("This proof did NOT verify");
  await expect(failed).toContainText("The Merkle path does not lead to the signed root");
  await expect(page.locator(".result.ok")).toHaveCount(0);
  await screenshot(page, info, "verify-tampered");
});

test("a later checkpoint must extend the one this browser saw before", async ({ page, request }) => {
  await setLang(page, "en");
  await page.goto("/demo/verify");
  await verify(page, receipt());
  await expect(page.locator(".result.ok")).toContainText("it now remembers this checkpoint");

  // The log grows: an accountant books another donation.
  const login = await request.post("/api/v1/orgs/demo/session", {
    data: { name: "e2e-accountant", password: accountantPassword() },
  });
  expect(login.status()).toBe(201);
  const token = (await login.json()).token;
  const today = new Date().toISOString().slice(0, 10);
  const booked = await request.post("/api/v1/orgs/demo/donations", {
    headers: { Authorization: `Bearer ${token}` },
    data: { date: today, amount: 50000, currency: "KZT", channel: "cash", fund: "general" },
  });
  expect(booked.status()).toBe(201);

  await page.reload();
  await verify(page, receipt());
  await expect(page.locator(".result.ok")).toContainText("This checkpoint extends the one this browser saw before");

  // A browser that remembers a different tree of the same log: a fork, refused.
  await page.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith("amanat.checkpoint."))!;
    const v = JSON.parse(localStorage.getItem(k)!);
    localStorage.setItem(k, JSON.stringify({ size: v.size - 1, root: btoa("x".repeat(32)) }));
  });
  await page.reload();
  await verify(page, receipt());
  await expect(page.getByRole("alert")).toContainText("does not contain the one this browser saw before");
});

test("a receipt code the server does not know gets its answer in the reader's language", async ({ page }) => {
  await setLang(page, "kk");
  await page.goto("/demo/verify");
  const code = receipt();
  await verify(page, code.slice(0, -1) + (code.endsWith("0") ? "1" : "0"));
  await expect(page.getByRole("alert")).toHaveText("✗ Мұндай түбіртек кодымен қайырымдылық жоқ. Кодты түбіртекпен әріп-әрпімен салыстырыңыз.");
});
