// The case desk's screens in a real browser (issue 15): a consultation logged on a phone with the
// protocol for its situation beside the form and the identity sealed, a case opened from it and
// moved through the procedure (only the events its stage allows are offered), a lawyer who sees
// only the case assigned to them, roles without desk rights that see no desk menu, the public
// impact tables (small cells hidden, never a number under 5) and the public help page in Kazakh;
// every new page scanned by axe-core in each language at desktop and phone width, no wider than
// the phone, with screenshots.
import { expect, test, type Page } from "@playwright/test";
import { lists } from "../src/staff/desk/lists";
import { expectAccessible, langs, logIn, screenshot, setLang, watchConsole } from "./support";

test.describe.configure({ mode: "serial" });

const phone = { width: 390, height: 844 };
const menu = (page: Page) => page.getByRole("navigation", { name: "Staff menu" });
// A datetime-local value `hours` back, in the browser's own time zone.
const hoursAgo = (page: Page, hours: number) =>
  page.evaluate((h) => {
    const d = new Date(Date.now() - h * 3600_000);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, hours);

let caseCode = "";
let survivorCode = "";

test("a case worker logs a consultation on a phone beside its protocol, opens a case from it and records its events",
  async ({ page }, info) => {
    const consoleClean = watchConsole(page, [401]);
    await setLang(page, "en");
    await page.setViewportSize(phone);
    await logIn(page, "e2e-caseworker");
    await menu(page).getByRole("link", { name: "Hotline" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Log a consultation");

    // Sexual assault, 10 hours ago: the 72-hour protocol, inside its window.
    const panel = page.getByRole("complementary", { name: "Protocol" });
    await expect(panel).toContainText("Choose what happened to see the protocol.");
    await page.getByRole("radio", { name: "Sexual assault" }).check();
    await page.getByLabel(/^When it happened/).fill(await hoursAgo(page, 10));
    await expect(page.getByRole("radio", { name: "To the hour" })).toBeChecked();
    await expect(panel.getByRole("heading", { name: "Sexual violence: the first 72 hours" })).toBeVisible();
    await expect(panel.locator(".badge.urgent")).toHaveText("Within 72 hours");
    await expect(panel).toContainText(/10 hours/);
    await expect(panel).toContainText("General guidance, not legal or medical advice.");
    await expect(panel).toContainText("not reviewed yet");
    // Below the form on a phone, not squeezed beside it.
    const form = await page.locator("form.hotline-form").boundingBox();
    const aside = await panel.boundingBox();
    expect(aside!.y).toBeGreaterThan(form!.y + form!.height - 1);

    await page.getByLabel("Region").selectOption({ label: "Almaty" });
    await page.getByRole("radio", { name: "26–40" }).check();
    await page.getByRole("radio", { name: "Female" }).check();
    await page.getByRole("checkbox", { name: "Forensic examination" }).check();
    await page.getByRole("checkbox", { name: "Lawyer" }).check();
    await page.getByRole("radio", { name: "Case to open" }).check();
    await page.getByRole("checkbox", { name: /agrees to be counted/ }).check();
    await page.getByText("Identity — sealed, optional").click();
    await page.getByRole("textbox", { name: /^Name/ }).fill("Invented Person E2E");
    await page.getByRole("textbox", { name: /^Phone/ }).fill("+7 700 000 0000");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await screenshot(page, info, "desk-hotline-filled-en-phone");
    await page.getByRole("button", { name: "Save the consultation" }).click();

    const logged = page.locator(".logged");
    await expect(logged).toContainText(/Consultation No\. \d+ is saved\./);
    await expect(page.locator(":focus")).toContainText("is saved");
    survivorCode = (await logged.locator("a.code").textContent())!.trim();
    expect(survivorCode).toMatch(/^S-/);
    await screenshot(page, info, "desk-hotline-logged-en-phone");
    // The consultation records the protocol that was shown; the identity is not in it.
    const last = await page.evaluate(async () => (await (await fetch("/api/v1/orgs/demo/consultations?limit=1")).json()).consultations[0]);
    expect(last.protocol).toBe("P-SV-0-72@1");
    expect(last.survivor).toBe(survivorCode);
    expect(last.hours_since).toBe(10);
    expect(JSON.stringify(last)).not.toContain("Invented Person");

    // Open a case from it: the form comes prefilled.
    await page.getByRole("link", { name: "Open a case" }).click();
    const open = page.locator("details.panel").filter({ hasText: "Open the case" });
    await expect(open).toHaveAttribute("open", "");
    await expect(open.getByLabel("Survivor's code")).toHaveValue(survivorCode);
    await expect(open.getByLabel("What happened (GBVIMS type)")).toHaveValue("sexual_assault");
    await expect(open.getByLabel("Region")).toHaveValue("almaty_city");
    await open.getByRole("checkbox", { name: "To be counted in the public statistics" }).check();
    await open.getByRole("checkbox", { name: "To share with lawyers" }).check();
    await open.getByRole("button", { name: "Open the case" }).click();
    await expect(page).toHaveURL(/\/staff\/demo\/cases\/C-/);
    caseCode = decodeURIComponent(page.url().split("/").pop()!);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${caseCode}`);
    await expect(page.getByText("No events yet.")).toBeVisible();

    // Only the events its stage allows are offered.
    const kind = page.getByLabel("Event", { exact: true });
    const offered = async () => (await kind.locator("option").allTextContents()).slice(1);
    expect(await offered()).toEqual(["Statement of an offence filed", "Registration refused", "Registered in the ERDR"]);
    await kind.selectOption({ label: "Statement of an offence filed" });
    await page.getByLabel("Receiving body").fill("Police department of Almaly district (invented)");
    await page.getByLabel("Document status").selectOption({ label: "obtained" });
    await page.getByRole("button", { name: "Record the event" }).click();
    await expect(page.getByText("Recorded: Statement of an offence filed. Stage now: Statement filed.")).toBeVisible();

    await kind.selectOption({ label: "Registered in the ERDR" });
    await expect(page.getByText("The case moves to: Registered in the ERDR.")).toBeVisible();
    await page.getByLabel("ERDR number").fill("261500000000001");
    await page.getByLabel("Criminal Code article and part").fill("UK RK 121 part 1");
    await page.getByRole("button", { name: "Record the event" }).click();
    await expect(page.getByText("Recorded: Registered in the ERDR. Stage now: Registered in the ERDR.")).toBeVisible();
    await expect(page.locator(".case-facts .badge.stage")).toHaveText("Registered in the ERDR");

    // The timeline: both events, in order, with the stage moved and the document's status.
    const events = page.locator("ol.timeline > li");
    await expect(events).toHaveCount(2);
    await expect(events.nth(0).getByRole("heading")).toHaveText("Statement of an offence filed");
    await expect(events.nth(0)).toContainText("Police department of Almaly district (invented)");
    await expect(events.nth(0).locator(".badge")).toHaveText("Document: obtained");
    await expect(events.nth(0)).toContainText("UPK RK art. 180");
    await expect(events.nth(1).getByRole("heading")).toHaveText("Registered in the ERDR");
    await expect(events.nth(1)).toContainText("Statement filed → Registered in the ERDR");
    await expect(events.nth(1)).toContainText("261500000000001");
    // Registered: registering again, or a verdict, is not offered.
    const now = await offered();
    expect(now).toContain("Pre-trial investigation started");
    expect(now).not.toContain("Registered in the ERDR");
    expect(now).not.toContain("Verdict pronounced");

    // Registration started the pre-trial term: a deadline the procedure set, its basis shown and
    // marked for a lawyer's check.
    const term = page.locator("ul.deadlines li").filter({ hasText: "Pre-trial investigation term ends" });
    await expect(term).toContainText("UPK RK art. 192; the procedure set it: a lawyer must check the term");
    // The lawyer corrects it: the term moves with the reason, and the first day stays in view.
    await term.getByText(/^Move to another day: Pre-trial/).click();
    await term.getByLabel("New day").fill("2030-01-15");
    await expect(term.getByRole("button", { name: "Move the deadline" })).toBeDisabled();
    await term.getByLabel(/^Why it moves/).fill("The prosecutor extended the term (invented)");
    await term.getByRole("button", { name: "Move the deadline" }).click();
    await expect(term.locator("strong").first()).toHaveText("15 January 2030");
    await expect(term).toContainText(/Moved from \d+ \w+ \d{4}: The prosecutor extended the term \(invented\)/);

    // A referral to a shelter: without the survivor's consent to services, only with the reason
    // it must be made anyway, which stays with it; then what became of it.
    await page.getByLabel("Service", { exact: true }).selectOption({ label: "Shelter" });
    const why = page.getByLabel("Why without the survivor's consent");
    await expect(page.getByRole("button", { name: "Refer", exact: true })).toBeDisabled();
    await why.fill("No safe place to stay tonight (invented)");
    await page.getByRole("button", { name: "Refer", exact: true }).click();
    await expect(page.getByText("The referral is recorded.")).toBeVisible();
    const referral = page.locator("section", { has: page.getByRole("heading", { name: "Referrals" }) }).locator("li").first();
    await expect(referral).toContainText("Shelter");
    await expect(referral).toContainText("Made without the survivor's consent: No safe place to stay tonight (invented)");
    await expect(referral.locator(".badge")).toHaveText("Pending");
    await referral.getByText("What became of it: Shelter").click();
    await referral.getByLabel("Outcome").selectOption({ label: "Service received" });
    await referral.getByRole("button", { name: "Save the outcome" }).click();
    await expect(page.getByText("The outcome is saved.")).toBeVisible();
    await expect(referral.locator(".badge")).toContainText("Service received");

    // Two suspects, each with their own state: only the steps a state allows are offered.
    const suspects = page.locator("section", { has: page.getByRole("heading", { name: "Suspects" }) });
    await suspects.getByLabel(/^Article qualified/).fill("УК РК ст. 120 ч. 3");
    await suspects.getByRole("button", { name: "Add the suspect" }).click();
    await expect(suspects.getByText("The suspect is added.")).toBeVisible();
    await suspects.getByLabel(/^Label/).fill("the driver");
    await suspects.getByRole("button", { name: "Add the suspect" }).click();
    await expect(suspects.locator("ul.suspects > li")).toHaveCount(2);
    const driver = suspects.locator("ul.suspects > li").filter({ hasText: "the driver" });
    await driver.getByText("Next step for the driver").click();
    const steps = await driver.getByLabel("New state").locator("option").allTextContents();
    expect(steps).toEqual(["— choose —", "Charged", "On the wanted list", "Prosecution terminated"]);
    await driver.getByLabel("New state").selectOption({ label: "On the wanted list" });
    await driver.getByRole("button", { name: "Save the step" }).click();
    await expect(driver.locator(".badge")).toHaveText("On the wanted list");
    await expect(suspects.locator("ul.suspects > li").first()).toContainText("Suspect 1 Recognised as a suspect");
    await expect(suspects.locator("ul.suspects > li").first()).toContainText("УК РК ст. 120 ч. 3");
    // Suspect 1 charged, then convicted with a prison term that the figures count.
    const first = suspects.locator("ul.suspects > li").first();
    await first.getByText("Next step for Suspect 1").click();
    await first.getByLabel("New state").selectOption({ label: "Charged" });
    await first.getByRole("button", { name: "Save the step" }).click();
    await expect(first.locator(".badge")).toHaveText("Charged");
    await first.getByLabel("New state").selectOption({ label: "Convicted" });
    await first.getByLabel("What the sentence is").selectOption({ label: "Prison" });
    await expect(first.getByRole("button", { name: "Save the step" })).toBeDisabled();  // a term needs its length
    await first.getByLabel(/^Years/).fill("8");
    await first.getByLabel(/^Months/).fill("6");
    await first.getByRole("button", { name: "Save the step" }).click();
    await expect(first.locator(".badge")).toHaveText("Convicted");
    await expect(first).toContainText("Sentence: Prison, 8 years 6 months");

    // A deadline, then done.
    await page.getByLabel("What is due").fill("Ask for the forensic report");
    await page.getByRole("button", { name: "Add the deadline" }).click();
    await expect(page.getByText("The deadline is added.")).toBeVisible();
    await page.getByRole("button", { name: "Mark done: Ask for the forensic report" }).click();
    await expect(page.locator("ul.deadlines li").filter({ hasText: "Ask for the forensic report" }).locator(".badge")).toHaveText("done");

    // The lawyer, picked by name from those who can be assigned (GET /desk/staff).
    await page.getByText("Assign people").click();
    await page.getByLabel(/^Lawyer/).selectOption({ label: "e2e-lawyer" });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await expect(page.getByText("The people on the case are saved.")).toBeVisible();
    await expect(page.locator("section", { has: page.getByRole("heading", { name: "People on the case" }) }).locator("dd").first())
      .toHaveText("e2e-lawyer");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await screenshot(page, info, "desk-case-en-phone");
    consoleClean();
  });

test("a case worker takes over a survivor the hotline logged, from her consultation", async ({ browser }) => {
  const hotline = await (await browser.newContext()).newPage();
  const consoleClean = watchConsole(hotline, [401]);
  await setLang(hotline, "en");
  await logIn(hotline, "e2e-hotline");
  await menu(hotline).getByRole("link", { name: "Hotline" }).click();
  await hotline.getByRole("radio", { name: "Rape" }).check();
  await hotline.getByLabel("Region").selectOption({ label: "Astana" });
  await hotline.getByRole("radio", { name: "18–25" }).check();
  await hotline.getByRole("radio", { name: "Female" }).check();
  await hotline.getByRole("radio", { name: "Case to open" }).check();
  await hotline.getByText("Identity — sealed, optional").click();
  await hotline.getByRole("textbox", { name: /^Name/ }).fill("Invented Person Handover");
  await hotline.getByRole("button", { name: "Save the consultation" }).click();
  const logged = hotline.locator(".logged");
  await expect(logged).toContainText(/Consultation No\. \d+ is saved\./);
  const number = (await logged.textContent())!.match(/No\. (\d+)/)![1];
  const survivor = (await logged.locator("a.code").textContent())!.trim();
  consoleClean();

  const worker = await (await browser.newContext()).newPage();
  const workerConsole = watchConsole(worker, [401, 404]);
  await setLang(worker, "en");
  await logIn(worker, "e2e-caseworker");
  await expect(menu(worker)).toBeVisible();
  // Not theirs yet: her page is "no such page" to them.
  await worker.goto(`/staff/demo/survivors/${survivor}`);
  await expect(worker.getByRole("alert")).toHaveText("There is no such page.");
  await menu(worker).getByRole("link", { name: "Consultations" }).click();
  await worker.getByRole("link", { name: `Open a case from consultation ${number}` }).click();
  const open = worker.locator("details.panel").filter({ hasText: "Open the case" });
  await expect(open.getByLabel("Survivor's code")).toHaveValue(survivor);
  await open.getByRole("button", { name: "Open the case" }).click();
  await expect(worker).toHaveURL(/\/staff\/demo\/cases\/C-/);
  await expect(worker.getByRole("link", { name: survivor })).toBeVisible();
  // Now theirs: her timeline opens.
  await worker.getByRole("link", { name: survivor }).click();
  await expect(worker.getByRole("heading", { level: 1 })).toContainText(survivor);
  workerConsole();
});

test("a survivor's page shows the identity only when asked, and never keeps it", async ({ page }) => {
  await setLang(page, "en");
  await logIn(page, "e2e-caseworker");
  await expect(menu(page)).toBeVisible();
  await page.goto(`/staff/demo/survivors/${survivorCode}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Survivor ${survivorCode}`);
  await expect(page.getByRole("link", { name: caseCode })).toBeVisible();
  await expect(page.getByText("Invented Person E2E")).toHaveCount(0);
  const reads: string[] = [];
  page.on("request", (r) => r.url().includes("/subjects/") && reads.push(r.url()));
  await page.getByRole("button", { name: "Show identity" }).click();
  await expect(page.getByText("Invented Person E2E")).toBeVisible();
  expect(reads).toHaveLength(1);
  await page.getByRole("button", { name: "Hide identity" }).click();
  await expect(page.getByText("Invented Person E2E")).toHaveCount(0);
  // Nothing of it on the device.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toContain("Invented");
  expect(stored).not.toContain(caseCode);
});

test("a lawyer sees only the case assigned to them, and has no hotline or figures", async ({ browser }) => {
  const lawyer = await (await browser.newContext()).newPage();
  await setLang(lawyer, "en");
  await logIn(lawyer, "e2e-lawyer");
  await expect(menu(lawyer).getByRole("link")).toHaveText(["Expenses", "Cases", "Officials", "Publications", "Docket", "My account"]);
  await lawyer.goto(`/staff/demo/cases/${caseCode}`);
  await expect(lawyer.getByRole("heading", { level: 1 })).toHaveText(`Case ${caseCode}`);
  // A lawyer records events but does not assign people.
  await expect(lawyer.getByRole("button", { name: "Record the event" })).toBeVisible();
  await expect(lawyer.getByText("Assign people")).toHaveCount(0);
  for (const screen of ["hotline", "desk-stats"]) {
    await lawyer.goto(`/staff/demo/${screen}`);
    await expect(lawyer.getByRole("alert")).toHaveText("There is no such page.");
  }

  const other = await (await browser.newContext()).newPage();
  const consoleClean = watchConsole(other, [401, 404]);
  await setLang(other, "en");
  await logIn(other, "e2e-lawyer-2");
  await expect(menu(other)).toBeVisible();
  await other.goto(`/staff/demo/cases/${caseCode}`);
  await expect(other.getByRole("alert")).toHaveText("There is no such page.");
  await expect(other.locator("ol.timeline")).toHaveCount(0);
  await other.goto("/staff/demo/cases");
  await expect(other.getByRole("heading", { level: 2, name: "Your cases" })).toBeVisible();
  await expect(other.locator(".loading")).toHaveCount(0);
  await expect(other.getByRole("link", { name: caseCode })).toHaveCount(0);
  consoleClean();
});

// The closed lists the screens carry are the server's, value for value: one the server adds cannot
// be missing from a form, nor one it drops still offered.
test("the closed lists the screens carry are the server's vocabulary", async ({ request }) => {
  const res = await request.get("/api/v1/orgs/demo/desk/vocabulary");
  expect(res.status()).toBe(200);
  const v = await res.json();
  const served: Record<keyof typeof lists, string> = {
    contactKinds: "contact_kinds", callerRoles: "caller_roles", sexes: "sexes", policeStatuses: "police_statuses",
    precisions: "incident_precisions", conducts: "official_conducts", filedWith: "complaint_filed_with",
    complaintOutcomes: "complaint_outcomes", referralOutcomes: "referral_outcomes", documentStatuses: "document_statuses",
    pubChannels: "publication_channels", pubChanges: "publication_changes", docketEvents: "docket_events",
    sentenceKinds: "sentence_kinds",
  };
  for (const [ours, theirs] of Object.entries(served)) expect([...lists[ours as keyof typeof lists]], ours).toEqual(v[theirs]);
});

test("a role without desk rights sees no desk menu and is refused anyway", async ({ page }) => {
  await setLang(page, "en");
  await logIn(page, "e2e-accountant");
  await expect(menu(page)).toBeVisible();
  for (const name of ["Hotline", "Consultations", "Cases", "Officials", "Desk figures"])
    await expect(menu(page).getByRole("link", { name })).toHaveCount(0);
  await page.goto("/staff/demo/cases");
  await expect(page.getByRole("alert")).toHaveText("There is no such page.");
  const statuses = await page.evaluate(async () =>
    Promise.all(["/cases", "/consultations", "/desk/stats"].map(async (p) => (await fetch("/api/v1/orgs/demo" + p)).status)));
  expect(statuses).toEqual([403, 403, 403]);
});

test("the public impact page hides small cells with its legend, and no number under 5 is in the tables", async ({ page }, info) => {
  const consoleClean = watchConsole(page);
  await setLang(page, "en");
  await page.goto("/demo/");
  await page.getByRole("link", { name: "Our work in figures" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Our work in figures");
  await page.getByLabel("Year").selectOption("2023");  // the desk demo's last year
  await expect(page).toHaveURL(/impact\?year=2023$/);
  await expect(page.locator("#impact-legend")).toHaveText("— hidden to protect privacy (fewer than 5, or it would reveal one)");
  await expect(page.getByRole("heading", { level: 2 })).toHaveText([
    "Consultations by category and quarter, 2023", "Cases by category and stage reached, 2023", "Consultations by region, 2023",
    "People convicted by sentence, 2023"]);
  const hidden = page.locator("table.impact td.hidden");
  expect(await hidden.count()).toBeGreaterThan(0);
  for (const text of await hidden.allTextContents()) expect(text).toBe("—hidden");
  // Every figure shown is 0 or at least 5.
  const shown = (await page.locator("table.impact td:not(.hidden)").allTextContents()).map((s) => Number(s.replace(/[^\d]/g, "")));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.filter((n) => n > 0 && n < 5)).toEqual([]);
  expect(shown.some((n) => n >= 5)).toBe(true);
  await screenshot(page, info, "desk-impact-2023-en");
  consoleClean();
});

test("the public help page reads in Kazakh, with the protocol's windows", async ({ page }, info) => {
  const consoleClean = watchConsole(page);
  await setLang(page, "kk");
  await page.goto("/demo/help");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Зорлық-зомбылықтан кейін не істеу керек");
  await expect(page.locator(".disclaimer")).toContainText("Жалпы ұсыныстар, заңгерлік немесе медициналық кеңес емес.");
  await page.getByRole("radio", { name: "Зорлау" }).check();
  await page.getByLabel(/^Бұл қашан болды\?/).fill(await hoursAgo(page, 90));
  await expect(page.locator("article.protocol h3").first()).toHaveText(/[әғқңөұүһі]/);
  await expect(page.locator(".badge.soon")).toHaveText("72–120 сағат");
  await expect(page.locator("article.protocol").first()).toHaveAttribute("lang", "kk");
  // Kazakh text, not English, in the steps.
  const steps = await page.locator("article.protocol .steps li").allTextContents();
  expect(steps.length).toBeGreaterThan(0);
  expect(steps.join(" ")).toMatch(/[әғқңөұүһі]/);
  await expectAccessible(page);
  await screenshot(page, info, "desk-help-kk-filled");
  consoleClean();
});

// Every new page, in every language, at desktop and phone width.
for (const lang of langs) {
  test(`the desk's pages are accessible and translated (${lang})`, async ({ page }, info) => {
    test.setTimeout(180_000);
    const consoleClean = watchConsole(page, [401]);
    await setLang(page, lang);
    await logIn(page, "e2e-caseworker");
    await expect(page.locator("header nav")).toBeVisible();
    const staff = ["", "hotline", "consultations", "cases", `cases/${caseCode}`, `survivors/${survivorCode}`, "officials", "desk-stats"];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const suffix = width === 390 ? `${lang}-phone` : lang;
      for (const screen of staff) {
        await page.goto(`/staff/demo/${screen}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator(".loading")).toHaveCount(0);
        if (screen === "hotline") {
          await page.locator("fieldset.choices").nth(2).getByRole("radio").first().check();  // a category: the protocol shows
          await expect(page.locator("article.protocol").first()).toBeVisible();
        }
        await expectAccessible(page);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(width);
        const name = screen === "" ? "home" : screen.startsWith("cases/") ? "case" : screen.startsWith("survivors/") ? "survivor" : screen;
        await screenshot(page, info, `desk-${name}-${suffix}`);
      }
      for (const pub of ["help", "impact"]) {
        await page.goto(`/demo/${pub}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator(".loading")).toHaveCount(0);
        if (pub === "help") {
          await page.locator("fieldset.choices").getByRole("radio").first().check();
          await expect(page.locator("article.protocol").first()).toBeVisible();
        }
        await expectAccessible(page);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), pub).toBeLessThanOrEqual(width);
        await screenshot(page, info, `desk-public-${pub}-${suffix}`);
      }
    }
    consoleClean();
  });
}
