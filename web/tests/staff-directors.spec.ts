// The directors' screens in a real browser: users and roles (a user added, their role changed,
// disabled and enabled again, their password reset, their sessions ended), the access trail
// with its verdict, the vault, what an accountant and an admin see; every screen scanned by
// axe-core in each language, on a desktop and at phone width.
//
// The demo books of tests/serve.sh have no vault, so a second server is started here on a copy of
// the demo books with a vault split into 2-of-3 shares (and a passphrase): its directors unseal
// it share by share, seal it, unseal it with the passphrase, and a director's role given there
// waits for a second director's approval (the k of the shares).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expectAccessible, langs, password, screenshot, setLang, totpAt, watchConsole } from "./support";

test.describe.configure({ mode: "serial" });

// A code the server has not taken from this user yet (it remembers the last step per user).
const lastStep = new Map<string, number>();
async function codeFor(secret: string): Promise<string> {
  const now = () => Math.floor(Date.now() / 1000 / 30);
  const step = Math.max(now() - 1, (lastStep.get(secret) ?? 0) + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 500));
  lastStep.set(secret, step);
  return totpAt(secret, step);
}

// The login form of `org` (the tests' logIn() is for the demo organisation and its passphrases).
async function logInTo(page: Page, org: string, name: string, pass: string, code = "") {
  await page.goto(`/staff/${org}/`);
  await page.getByLabel(/^(Name|Имя|Аты)$/).fill(name);
  await page.getByLabel(/^(Password|Пароль|Құпиясөз)$/).fill(pass);
  if (code) await page.getByLabel(/authenticator|аутентификатор/i).fill(code);
  await page.getByRole("button", { name: /^(Log in|Войти|Кіру)$/ }).click();
}

// First login of a director or admin: the authenticator is set up before anything else.
async function enrol(page: Page, org: string, name: string, pass: string): Promise<string> {
  await logInTo(page, org, name, pass);
  await page.getByLabel("Your password").fill(pass);
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.locator("code.secret").textContent())!.trim();
  await page.getByLabel("Code from the app").fill(await codeFor(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("navigation", { name: "Staff menu" })).toBeVisible();
  return secret;
}

const secrets: Record<string, string> = {};
const menu = (page: Page) => page.getByRole("navigation", { name: "Staff menu" });
const answer = (page: Page) => page.locator(".answer .done");

async function director(browser: Browser, lang: "en" | "ru" | "kk" = "en") {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await setLang(page, lang);
  if (!secrets["e2e-director-2"]) secrets["e2e-director-2"] = await enrol(page, "demo", "e2e-director-2", password("e2e-director-2"));
  else await logInTo(page, "demo", "e2e-director-2", password("e2e-director-2"), await codeFor(secrets["e2e-director-2"]));
  await expect(page.locator("header nav")).toBeVisible();  // the menu, in any language
  return page;
}

let tempPassword = "";

test("a director adds a user, changes their role, disables them (their session ends, they cannot log in), enables them again and resets their password",
  async ({ browser }, info) => {
    const page = await director(browser);
    const consoleClean = watchConsole(page);
    await menu(page).getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Users and roles" })).toBeVisible();
    await expect(page.getByRole("row", { name: /e2e-director-2 \(you\)/ })).toBeVisible();

    await page.getByText("Add a user").click();
    await page.getByLabel("Login name").fill("e2e-temp");
    await page.getByLabel("Role", { exact: true }).selectOption("case_worker");
    await page.getByRole("button", { name: /^Make a random password.*Initial password$/ }).click();
    tempPassword = await page.getByLabel("Initial password").inputValue();
    expect(tempPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    await page.getByRole("button", { name: "Add the user" }).click();
    await expect(page.getByText("e2e-temp is added as case worker.", { exact: false })).toBeVisible();
    const row = page.getByRole("row", { name: /e2e-temp/ });
    await expect(row).toContainText("case worker");
    await expect(row).toContainText("active");

    // The new user logs in (a case worker needs no authenticator).
    const theirs = await (await browser.newContext()).newPage();
    const theirConsole = watchConsole(theirs, [401]);
    await setLang(theirs, "en");
    await logInTo(theirs, "demo", "e2e-temp", tempPassword);
    await expect(menu(theirs)).toBeVisible();

    await row.getByRole("button", { name: "Manage e2e-temp" }).click();
    await expect(page.getByRole("heading", { name: "Manage e2e-temp" })).toBeFocused();
    await page.getByLabel("New role").selectOption("lawyer");
    await page.getByRole("button", { name: "Change the role" }).click();
    await expect(answer(page)).toHaveText("e2e-temp is now lawyer.");
    await expect(row).toContainText("lawyer");

    // Disabling asks once more; the question's button takes the focus; cancelling gives it back.
    await page.getByRole("button", { name: "Disable e2e-temp" }).click();
    await expect(page.getByText("Disable e2e-temp? They are logged out everywhere")).toBeVisible();
    await expect(page.getByRole("group", { name: "Disable e2e-temp" }).getByRole("button", { name: "Disable e2e-temp" })).toBeFocused();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Disable e2e-temp" })).toBeFocused();
    await expect(row).toContainText("active");
    await page.getByRole("button", { name: "Disable e2e-temp" }).click();
    await screenshot(page, info, "dir-users-confirm-en");
    await page.getByRole("group", { name: "Disable e2e-temp" }).getByRole("button", { name: "Disable e2e-temp" }).click();
    await expect(answer(page)).toHaveText("e2e-temp is disabled and logged out everywhere.");
    await expect(page.locator(".answer")).toBeFocused();
    await expect(row).toContainText("disabled");

    // Their session has ended, and they cannot log in again.
    await theirs.reload();
    await expect(theirs.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
    await logInTo(theirs, "demo", "e2e-temp", tempPassword);
    await expect(theirs.getByRole("alert")).toHaveText("Wrong name, password or code.");

    await page.getByRole("button", { name: "Enable e2e-temp again" }).click();
    await expect(answer(page)).toHaveText("e2e-temp may log in again.");
    await expect(row).toContainText("active");
    await logInTo(theirs, "demo", "e2e-temp", tempPassword);
    await expect(menu(theirs)).toBeVisible();

    // A new password: their session ends; the old password no longer works, the new one does.
    await page.getByRole("button", { name: /^Make a random password.*for e2e-temp$/ }).click();
    const fresh = await page.getByLabel("New password for e2e-temp").inputValue();
    await page.getByRole("button", { name: "Reset the password" }).click();
    await expect(answer(page)).toContainText("The password of e2e-temp is reset");
    await theirs.reload();
    await expect(theirs.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
    await logInTo(theirs, "demo", "e2e-temp", tempPassword);
    await expect(theirs.getByRole("alert")).toHaveText("Wrong name, password or code.");
    tempPassword = fresh;
    await logInTo(theirs, "demo", "e2e-temp", tempPassword);
    await expect(menu(theirs)).toBeVisible();

    // Every session ended, after the second step.
    await page.getByRole("button", { name: "Log e2e-temp out everywhere" }).click();
    await page.getByRole("group", { name: "Log e2e-temp out everywhere" }).getByRole("button", { name: "Log e2e-temp out everywhere" }).click();
    await expect(answer(page)).toHaveText("Every session of e2e-temp has ended.");
    await theirs.reload();
    await expect(theirs.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
    await screenshot(page, info, "dir-users-en");
    consoleClean();
    theirConsole();
  });

test("the access trail shows those actions by name, with its verdict", async ({ browser }, info) => {
  const page = await director(browser);
  const consoleClean = watchConsole(page);
  await menu(page).getByRole("link", { name: "Access trail" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Access trail" })).toBeVisible();
  await expect(page.locator(".verdict.ok h2")).toHaveText("The trail is intact");
  const rows = page.locator("table.trail tbody tr");
  for (const [action, target] of [["added a user", "e2e-temp (case worker)"], ["changed a role", "e2e-temp (lawyer)"],
    ["disabled a user", "e2e-temp"], ["enabled a user", "e2e-temp"], ["reset a password", "e2e-temp"],
    ["ended sessions", "e2e-temp"]] as const) {
    const row = rows.filter({ hasText: action }).first();
    await expect(row).toContainText("e2e-director-2");
    await expect(row).toContainText(target);
  }
  // Newest first: the sessions ended came after the user was added.
  const text = await rows.allTextContents();
  expect(text.findIndex((r) => r.includes("ended sessions"))).toBeLessThan(text.findIndex((r) => r.includes("added a user")));
  await screenshot(page, info, "dir-trail-en");
  consoleClean();
});

// tests/serve.sh sets up a vault for the case desk and unseals it at start (the sealing itself is
// tested on the second server below, so that the desk's tests keep their vault).
test("the vault of the demo books is shown as unsealed, with Seal offered", async ({ browser }) => {
  const page = await director(browser);
  await menu(page).getByRole("link", { name: "Vault" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "The vault is unsealed" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Seal the vault" })).toBeVisible();
});

test("an accountant sees none of the directors' menus and is refused at their addresses", async ({ page }) => {
  await setLang(page, "en");
  await logInTo(page, "demo", "e2e-accountant", password("e2e-accountant"));
  await expect(menu(page)).toBeVisible();
  await expect(menu(page).getByRole("link")).toHaveText(["Appeals", "Donations", "Expenses", "Transfers", "Bank statements", "Report", "Dashboard", "My account"]);
  for (const screen of ["users", "vault", "trail"]) {
    await page.goto(`/staff/demo/${screen}`);
    await expect(page.getByRole("alert")).toHaveText("There is no such page.");
    await expect(page.locator("table")).toHaveCount(0);
  }
  const statuses = await page.evaluate(async () =>
    Promise.all(["/users", "/grants", "/access-trail"].map(async (p) => (await fetch("/api/v1/orgs/demo" + p)).status)));
  expect(statuses).toEqual([403, 403, 403]);
});

test("an admin manages staff but not directors, and sees no access trail", async ({ page }) => {
  const consoleClean = watchConsole(page, [401]);  // not yet logged in
  await setLang(page, "en");
  secrets["e2e-admin"] = await enrol(page, "demo", "e2e-admin", password("e2e-admin"));
  await expect(menu(page).getByRole("link")).toHaveText(["Users", "Vault", "My account"]);
  await menu(page).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("row", { name: /e2e-temp/ })).toBeVisible();
  // Directors are not theirs to manage, nor are the director's or admin's roles theirs to give.
  await expect(page.getByRole("button", { name: "Manage e2e-director-2" })).toHaveCount(0);
  await page.getByText("Add a user").click();
  await expect(page.getByLabel("Role", { exact: true }).locator("option")).toHaveCount(6);
  await page.getByRole("button", { name: "Manage e2e-temp" }).click();
  await expect(page.getByRole("button", { name: "Reset the password" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Log e2e-temp out everywhere" })).toBeVisible();
  await page.goto("/staff/demo/trail");
  await expect(page.getByRole("alert")).toHaveText("There is no such page.");
  consoleClean();
});

for (const lang of langs) {
  test(`the directors' screens are accessible and translated (${lang})`, async ({ browser }, info) => {
    const page = await director(browser, lang);
    const consoleClean = watchConsole(page);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const suffix = width === 390 ? `${lang}-phone` : lang;
      for (const screen of ["users", "vault", "trail"]) {
        await page.goto(`/staff/demo/${screen}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator(".loading")).toHaveCount(0);
        if (screen === "users") {
          await page.locator("details.panel summary").click();
          await page.locator("tr", { hasText: "e2e-temp" }).getByRole("button").click();
          await page.locator(".manage button.danger-outline").first().click();
        }
        await expectAccessible(page);
        // Nothing wider than the phone's screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await screenshot(page, info, `dir-${screen}-${suffix}`);
      }
    }
    consoleClean();
  });
}

// ---- a second server, whose vault is split into 2-of-3 shares ----

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, "..");
const bin = process.env.AMANAT_BIN ?? ["test", "release", "asan"].map((b) => join(web, "..", "build", b, "amanat")).find(existsSync)!;
const vaultPort = Number(process.env.AMANAT_E2E_PORT ?? 18080) + 1;
const vaultUrl = `http://127.0.0.1:${vaultPort}`;
const vaultPass = "sealed orchard tundra whistle 9187";
const vaultDirectors = { "vd-alma": "quiet lantern fjord pepper 4471", "vd-berik": "amber willow canal rocket 2093" };

test.describe("a vault in shares", () => {
  let server: ChildProcess | undefined;
  let shares: string[] = [];

  test.beforeAll(async () => {
    const data = join(web, ".test-data", "vaulted");
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    const books = join(data, "books");
    const run = (args: string[], env: Record<string, string> = {}) =>
      execFileSync(bin, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "ignore"] }).toString();
    run(["demo", "--data", books, "--donations", "20", "--seed", "3"]);
    shares = run(["vault", "init", "--data", books, "--shares", "2/3"], { AMANAT_VAULT_PASSPHRASE: vaultPass })
      .split("\n").filter((l) => l.startsWith("amanat-share-v1-"));
    expect(shares).toHaveLength(3);
    for (const [name, pass] of Object.entries(vaultDirectors))
      run(["user", "add", "--data", books, "--name", name, "--role", "director"], { AMANAT_PASSWORD: pass });
    server = spawn(bin, ["serve", "--data", books, "--org", "vaulted", "--listen", `127.0.0.1:${vaultPort}`, "--web", join(web, "dist")],
      { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${vaultUrl}/api/v1/health`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the vaulted server did not start");
  });

  test.afterAll(() => {
    server?.kill("SIGTERM");
  });

  test("two directors unseal the vault share by share; it is sealed after a second step and unsealed with the passphrase",
    async ({ browser }, info) => {
      const pages: Page[] = [];
      for (const [name, pass] of Object.entries(vaultDirectors)) {
        const page = await (await browser.newContext({ baseURL: vaultUrl })).newPage();
        await setLang(page, "en");
        secrets[name] = await enrol(page, "vaulted", name, pass);
        await menu(page).getByRole("link", { name: "Vault" }).click();
        pages.push(page);
      }
      const [alma, berik] = pages as [Page, Page];
      const consoleClean = watchConsole(alma, [422]);  // a share given twice
      await expect(alma.locator(".verdict h2")).toHaveText("The vault is sealed");
      await screenshot(alma, info, "dir-vault-sealed-en");
      await expectAccessible(alma);
      await alma.getByLabel("Your share").fill(shares[0]!);
      await alma.getByRole("button", { name: "Add my share" }).click();
      await expect(answer(alma)).toHaveText("Your share is taken. 1 more share is needed.");
      await expect(alma.locator(".verdict h2")).toHaveText("The vault is sealed");
      // Every director sees how far the shares have come.
      await berik.reload();
      await expect(berik.getByText("Shares given so far: 1 of the 2 needed (3 were issued).")).toBeVisible();
      await berik.getByLabel("Your share").fill(shares[1]!);
      await berik.getByRole("button", { name: "Add my share" }).click();
      await expect(answer(berik)).toHaveText("The vault is unsealed.");
      await expect(berik.locator(".verdict.ok h2")).toHaveText("The vault is unsealed");

      await berik.getByRole("button", { name: "Seal the vault" }).click();
      await expect(berik.getByText("Seal the vault now?")).toBeVisible();
      await screenshot(berik, info, "dir-vault-seal-en");
      await expectAccessible(berik);
      await berik.getByRole("group", { name: "Seal the vault" }).getByRole("button", { name: "Seal the vault" }).click();
      await expect(answer(berik)).toHaveText("The vault is sealed.");
      await expect(berik.locator(".verdict.bad h2")).toHaveText("The vault is sealed");

      await berik.getByLabel("Passphrase", { exact: true }).fill("not the passphrase at all");
      await berik.getByRole("button", { name: "Unseal", exact: true }).click();
      await expect(berik.getByRole("alert")).toHaveText("The passphrase or share is not right.");
      await berik.getByLabel("Passphrase", { exact: true }).fill(vaultPass);
      await berik.getByRole("button", { name: "Unseal", exact: true }).click();
      await expect(answer(berik)).toHaveText("The vault is unsealed.");

      // The trail has each of these, by name.
      await berik.goto("/staff/vaulted/trail");
      await expect(berik.locator(".verdict.ok h2")).toHaveText("The trail is intact");
      for (const action of ["gave a share of the vault key", "sealed the vault", "unsealed with the passphrase"])
        await expect(berik.locator("table.trail tbody tr").filter({ hasText: action }).first()).toBeVisible();
      await expect(berik.locator("tr.failed").filter({ hasText: "unsealed with the passphrase" })).toHaveCount(1);
      consoleClean();
    });

  test("a director's role waits for a second director's approval, shown to the other director, who approves it",
    async ({ browser }, info) => {
      const alma = await (await browser.newContext({ baseURL: vaultUrl })).newPage();
      await setLang(alma, "en");
      await logInTo(alma, "vaulted", "vd-alma", vaultDirectors["vd-alma"], await codeFor(secrets["vd-alma"]!));
      await menu(alma).getByRole("link", { name: "Users" }).click();
      await alma.getByText("Add a user").click();
      await alma.getByLabel("Login name").fill("vd-chingiz");
      await alma.getByLabel("Role", { exact: true }).selectOption("director");
      await alma.getByRole("button", { name: /^Make a random password/ }).click();
      await alma.getByRole("button", { name: "Add the user" }).click();
      await expect(alma.getByText("vd-chingiz becomes director once 1 more director approves")).toBeVisible();
      const grants = alma.getByRole("region", { name: "Waiting for directors' approval" });
      await expect(grants.getByRole("row", { name: /vd-chingiz/ })).toContainText("You have approved");
      await expect(alma.getByRole("row", { name: /^vd-chingiz/ }).last()).toContainText("waiting for approval");

      const berik = await (await browser.newContext({ baseURL: vaultUrl })).newPage();
      await setLang(berik, "en");
      await logInTo(berik, "vaulted", "vd-berik", vaultDirectors["vd-berik"], await codeFor(secrets["vd-berik"]!));
      await menu(berik).getByRole("link", { name: "Users" }).click();
      await screenshot(berik, info, "dir-grants-en");
      await expectAccessible(berik);
      await berik.getByRole("button", { name: "Approve for vd-chingiz" }).click();
      await expect(berik.getByText("vd-chingiz is now director.")).toBeVisible();
      // The list reloads after the answer: once the grant has left it, the user is active.
      await expect(berik.getByRole("region", { name: "Waiting for directors' approval" })).toHaveCount(0);
      await expect(berik.getByRole("row", { name: /^vd-chingiz/ })).toContainText("active");
    });
});
