// Publications and the legal-defence docket in a real browser: a communications officer records a
// post and retracts it (the retraction asks a second time), and the public page shows it with its
// SHA-256 and "retracted"; a director adds a proceeding and two events (terminated, reopened) and
// sees the counts, and the chronology report downloads as a PDF; the three pages scanned by
// axe-core in each language at desktop and phone width, no wider than the phone, with screenshots.
import { expect, test, type Page } from "@playwright/test";
import { createHash } from "node:crypto";
import { expectAccessible, freshCode, langs, logIn, password, screenshot, setLang, watchConsole } from "./support";

test.describe.configure({ mode: "serial" });

const phone = { width: 390, height: 844 };
const menu = (page: Page) => page.getByRole("navigation", { name: "Staff menu" });
const postText = "Invented E2E post: the organisation's lawyers attended a hearing today.\nSecond line.";
const postUrl = `https://example.org/posts/e2e-${Date.now()}`;

test("communications records a post and retracts it; the public page shows it retracted", async ({ page }, info) => {
  const consoleClean = watchConsole(page, [401]);
  await setLang(page, "en");
  await page.setViewportSize(phone);
  await logIn(page, "e2e-comms");
  await expect(menu(page).getByRole("link", { name: "Docket" })).toBeVisible();
  await expect(menu(page).getByRole("link", { name: "Cases" })).toHaveCount(0);
  await menu(page).getByRole("link", { name: "Publications" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Publications");

  await page.getByText("Record a post").click();
  await page.getByLabel("Channel").selectOption({ label: "Telegram" });
  await page.getByLabel("Address (http or https)").fill(postUrl);
  await page.getByLabel(/^The exact text/).fill(postText);
  await page.getByRole("button", { name: "Add a source" }).click();
  const source = page.getByRole("group", { name: "Source 1" });
  await source.getByLabel("Source", { exact: true }).fill("Court schedule");
  await source.getByLabel("How it was verified").fill("Checked on the court's site");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
  await screenshot(page, info, "pubs-record-en-phone");
  await page.getByRole("button", { name: "Record the post" }).click();
  await expect(page.locator(".done")).toContainText(/recorded as log entry \d+/);

  const card = page.locator("li.post", { hasText: postUrl });
  await expect(card).toContainText("Court schedule");
  await expect(card.locator(".post-text").first()).toHaveText(postText);
  const sha = createHash("sha256").update(postText).digest("hex");
  await expect(card.locator(".hash code")).toHaveText(sha);
  await expect(card).toContainText("Not about a case: none needed");

  // A retraction asks a second time, on the page.
  await card.getByText("Correct, add a disclaimer, archive or retract").click();
  await card.getByLabel("What changes").selectOption("retraction");
  await card.getByLabel(/^Its text/).fill("Retracted: invented E2E test post.");
  await card.getByRole("button", { name: "Retract the post" }).click();
  const question = card.getByRole("group", { name: "Retract the post" });
  await expect(question).toContainText("A retraction is final");
  await expect(question.getByRole("button", { name: "Retract the post" })).toBeFocused();
  await screenshot(page, info, "pubs-retract-ask-en-phone");
  await question.getByRole("button", { name: "Retract the post" }).click();
  await expect(card).toContainText(/The post is retracted \(log entry \d+\)/);
  await expect(card.locator(".badge.late")).toHaveText("Retracted");
  await expect(card.getByText("Correct, add a disclaimer, archive or retract")).toHaveCount(0);

  // The public page: the commitment, not the text, and the retraction with its log entry.
  await page.goto("/demo/publications");
  const pub = page.locator("li.post", { hasText: postUrl });
  await expect(pub.locator("code").first()).toHaveText(sha);
  await expect(pub).toContainText(/Retracted on .* · log entry \d+/);
  await expect(pub).not.toContainText("Second line");
  await expect(page.getByText(/Anyone who kept a copy of a post can check it/)).toBeVisible();
  await screenshot(page, info, "pubs-public-en-phone");
  consoleClean();
});

test("a director adds a proceeding with two events, sees the counts and downloads the report", async ({ page }, info) => {
  const consoleClean = watchConsole(page, [401, 409]);
  await setLang(page, "en");
  await logIn(page, "e2e-docket-director");
  await page.getByLabel("Your password").fill(password("e2e-docket-director"));
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.locator("code.secret").textContent())!.trim();
  await page.getByLabel("Code from the app").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await menu(page).getByRole("link", { name: "Docket" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Legal-defence docket");

  await page.getByText("Edit the header").click();
  await page.getByLabel("Human rights defender").fill("Invented Defender");
  await page.getByLabel("Organisation").fill("Invented Organisation");
  await page.getByRole("checkbox", { name: /Consent to public reports/ }).check();
  await page.getByRole("button", { name: "Save the header" }).click();
  await expect(page.getByText("The header is saved.")).toBeVisible();

  await page.getByText("Add a proceeding").click();
  await page.getByLabel(/^Its id/).fill("P-E2E");
  await page.getByLabel(/^Title/).first().fill("Invented: false information (E2E)");
  await page.getByLabel(/^Criminal Code articles/).fill("УК РК ст. 274 ч. 2");
  await page.getByLabel(/^Authority/).fill("Invented police department");
  const addForm = page.locator("details", { hasText: "Add the proceeding" });
  await addForm.getByLabel(/^ЕРДР number/).fill("251000031000123");
  await addForm.getByRole("button", { name: "Add a person" }).click();
  const person = addForm.getByRole("group", { name: "Person 1" });
  await person.getByLabel(/^Name or label/).fill("Invented Defender");
  await person.getByLabel(/^Their role/).fill("suspect");
  await person.getByRole("checkbox", { name: /A public person/ }).check();
  await addForm.getByLabel(/^Date/).fill("2025-01-10");
  await addForm.getByLabel("Document status").selectOption("obtained");
  await page.getByRole("button", { name: "Add the proceeding" }).click();
  await expect(page.getByText("Proceeding P-E2E is added.")).toBeVisible();

  const card = page.locator("li.proceeding", { hasText: "P-E2E" });
  for (const [kind, date] of [["terminated", "2025-03-01"], ["reopened", "2025-04"]] as const) {
    const form = card.locator("details", { hasText: "Add an event to P-E2E" });
    if ((await form.getAttribute("open")) === null) await form.locator("summary").click();
    await form.getByLabel("Event").selectOption(kind);
    await form.getByLabel(/^Date/).fill(date);
    await form.getByRole("button", { name: "Record the event" }).click();
    await expect(form.locator(".done")).toContainText(/recorded as log entry \d+/);
  }
  // An event whose date nobody knows: the date is left empty.
  {
    const form = card.locator("details", { hasText: "Add an event to P-E2E" });
    await form.getByLabel("Event").selectOption("file_access_refused");
    await form.getByLabel(/^Date/).fill("");
    await form.getByLabel("Document status").selectOption("refused");
    await form.getByRole("button", { name: "Record the event" }).click();
    await expect(form.locator(".done")).toContainText(/recorded as log entry \d+/);
  }
  await expect(card.locator("ol.timeline > li")).toHaveCount(4);
  await expect(card.locator("ol.timeline")).toContainText("Access to the file refused · date unknown");
  await expect(card).toContainText("251000031000123");
  await expect(card).toContainText("Invented Defender · suspect public");

  // A related publication with its correction.
  await card.getByText("Add a related publication to P-E2E").click();
  const pubForm = card.locator("details", { hasText: "Add the publication" });
  await pubForm.getByLabel(/^Title/).fill("Invented news item (E2E)");
  await pubForm.getByLabel("Address (http or https)").fill("https://example.org/e2e-news");
  await pubForm.getByLabel(/^Date/).first().fill("2025-02-01");
  await pubForm.getByRole("button", { name: "Add a correction" }).click();
  const correction = pubForm.getByRole("group", { name: "Correction 1" });
  await correction.getByLabel(/^Date/).fill("2025-02-03");
  await correction.getByLabel(/^What was corrected/).fill("The date of the hearing (invented).");
  await pubForm.getByRole("button", { name: "Add the publication" }).click();
  await expect(pubForm.locator(".done")).toContainText("The publication is added.");
  await expect(card).toContainText("Corrected 3 February 2025: The date of the hearing (invented).");
  await expect(card.locator("ol.timeline")).toContainText("Terminated · 1 March 2025");
  await expect(card.locator("ol.timeline")).toContainText("Reopened · April 2025");
  await expect(card.locator("p.headline")).toHaveText("Reopened or resumed after a stop 1 time");
  await expect(card.locator(".figures", { hasText: "Terminated" })).toContainText("Terminated1");
  await expect(page.locator("section", { hasText: "All proceedings" }).locator("p.headline")).toContainText(/after a stop \d+ time/);
  await screenshot(page, info, "docket-director-en");

  // The chronology report, with the session's cookie (a same-origin link). Playwright's own
  // request context does not send the session cookie (Secure, over the tests' plain http), so the
  // link is followed as a user would (a download) and fetched from the page.
  const link = page.getByRole("link", { name: "PDF in English" });
  expect(await link.getAttribute("href")).toBe("/api/v1/orgs/demo/docket/chronology.pdf?lang=en");
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^chronology-\d{4}-\d{2}-\d{2}\.pdf$/);
  const { readFile } = await import("node:fs/promises");
  expect((await readFile((await download.path())!)).subarray(0, 4).toString("latin1")).toBe("%PDF");
  const answers = await page.evaluate(async (hrefs) =>
    Promise.all(hrefs.map(async (h) => {
      const r = await fetch(h!);
      const bytes = new Uint8Array(await r.arrayBuffer()).subarray(0, 5);
      return { status: r.status, type: r.headers.get("content-type"), start: String.fromCharCode(...bytes) };
    })),
    await Promise.all(["PDF in English", "PDF in Russian", "HTML in English", "HTML in Russian"].map((n) =>
      page.getByRole("link", { name: n }).getAttribute("href"))));
  expect(answers.map((a) => [a.status, a.type, a.start.slice(0, 4)])).toEqual([
    [200, "application/pdf", "%PDF"], [200, "application/pdf", "%PDF"], [200, "text/html", expect.any(String)], [200, "text/html", expect.any(String)],
  ]);

  // A post about a case whose survivor has not consented to publication: refused (409), and said
  // in the reader's language.
  const caseCode = await page.evaluate(async () => {
    const r = await (await fetch("/api/v1/orgs/demo/cases?limit=50")).json();
    return (r.cases as { code: string; consents: { publish: boolean } }[]).find((c) => !c.consents.publish)?.code;
  });
  expect(caseCode).toBeTruthy();
  await menu(page).getByRole("link", { name: "Publications" }).click();
  await page.getByText("Record a post").click();
  await page.getByLabel("Channel").selectOption("website");
  await page.getByLabel("Address (http or https)").fill("https://example.org/e2e-case-post");
  await page.getByLabel(/^The exact text/).fill("Invented E2E post about a case.");
  await page.getByLabel(/^Case code/).fill(caseCode!);
  await page.getByRole("button", { name: "Record the post" }).click();
  await expect(page.getByRole("alert")).toHaveText("The survivor has not given the consent this needs.");
  consoleClean();
});

for (const lang of langs) {
  test(`publications and the docket are accessible and translated (${lang})`, async ({ page }, info) => {
    test.setTimeout(180_000);
    const consoleClean = watchConsole(page, [401]);
    await setLang(page, lang);
    for (const [user, screens] of [["e2e-comms", ["publications"]], ["e2e-lawyer", ["docket"]]] as const) {
      await logIn(page, user);
      await expect(page.locator("header nav")).toBeVisible();
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        const suffix = width === 390 ? `${lang}-phone` : lang;
        for (const screen of screens) {
          await page.goto(`/staff/demo/${screen}`);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await expect(page.locator(".loading")).toHaveCount(0);
          await screenshot(page, info, `pubs-${screen}-${suffix}`);
          // The forms open, so that they are scanned too.
          for (const s of await page.locator("details > summary").all()) await s.click();
          await expectAccessible(page);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(width);
          await screenshot(page, info, `pubs-${screen}-forms-${suffix}`);
        }
      }
      await page.getByRole("button", { name: /^(Log out|Выйти|Шығу)$/ }).click();
    }
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/demo/publications");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.locator(".loading")).toHaveCount(0);
      await expectAccessible(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, info, `pubs-public-${width === 390 ? `${lang}-phone` : lang}`);
    }
    consoleClean();
  });
}
