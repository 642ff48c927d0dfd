// Shared by the browser tests: what tests/serve.sh prepared, an accessibility scan with axe-core,
// a watch on the console (a CSP violation or an uncaught error fails the test), and screenshots
// kept as artefacts in test-results/screens/.
import { expect, type Page, type TestInfo } from "@playwright/test";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, "..", ".test-data");
export const receipt = () => readFileSync(join(data, "receipt.txt"), "utf8").trim();
export const appeal = () => readFileSync(join(data, "appeal.txt"), "utf8").trim();
export const accountantPassword = () => readFileSync(join(data, "accountant.password"), "utf8").trim();

export const langs = ["kk", "ru", "en"] as const;
export type Lang = (typeof langs)[number];

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// Fails on any WCAG 2.x A/AA violation axe finds in the page as it is now. axe is evaluated through
// the DevTools protocol, which the page's CSP does not govern, so the CSP stays on while testing.
export async function expectAccessible(page: Page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } })
      .axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(found, "axe violations").toEqual([]);
}

// Collects console errors and page errors: call the returned function at the end of a test.
// `expected`: HTTP statuses the test provokes on purpose (the browser logs each failed request).
export function watchConsole(page: Page, expected: number[] = []): () => void {
  const errors: string[] = [];
  page.on("console", (m) => {
    const provoked = expected.some((s) => m.text().includes(`status of ${s} `));
    if (m.type() === "error" && !provoked) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return () => expect(errors, "console errors").toEqual([]);
}

export async function setLang(page: Page, lang: Lang) {
  await page.addInitScript((l) => localStorage.setItem("amanat.lang", l), lang);
}

export async function screenshot(page: Page, info: TestInfo, name: string) {
  void info;
  await page.screenshot({ path: join(here, "..", "test-results", "screens", `${name}.png`), fullPage: true });
}

// Kazakh as it is written (CLDR for kk), whatever the browser's own locale data: a space (or
// no-break space) between thousands, a comma before the tiyn, the tenge sign after the amount;
// "21 наурыз 2025 ж." for dates.
export const kkMoney = /^-?\d{1,3}([\s\u00a0\u202f]\d{3})*(,\d{2})?[\s\u00a0]₸$/;
export const kkDate = /^\d{1,2} (қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан) \d{4} ж\.$/;

// Staff logins: a user's passphrase as tests/serve.sh wrote it, RFC 6238 codes, the login form.
export const password = (name: string) => readFileSync(join(data, `${name}.password`), "utf8").trim();

// RFC 6238 (SHA-1, 6 digits, 30 s) for time step `step`.
export function totpAt(secretBase32: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1]! & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

// A code the server has not seen yet: the server takes the steps now-1 .. now+1 and never one at
// or before the last it accepted (a replay), so after using now+1 the next code waits for time
// to move on.
let lastStep = 0;
export async function freshCode(secretBase32: string): Promise<string> {
  const now = () => Math.floor(Date.now() / 1000 / 30);
  const step = Math.max(now(), lastStep + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 500));
  lastStep = step;
  return totpAt(secretBase32, step);
}

export async function logIn(page: Page, name: string, code = "") {
  await page.goto("/staff/demo/");
  await page.getByLabel(/^(Name|Имя|Аты)$/).fill(name);
  await page.getByLabel(/^(Password|Пароль|Құпиясөз)$/).fill(password(name));
  if (code) await page.getByLabel(/authenticator|аутентификатор/i).fill(code);
  await page.getByRole("button", { name: /^(Log in|Войти|Кіру)$/ }).click();
}
