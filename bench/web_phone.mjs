#!/usr/bin/env node
// How soon a public appeal page is usable on an emulated slow 4G phone (issue 14: within 2 s),
// in Debian's Chromium driven by Playwright (playwright-core from web/node_modules; it never
// downloads a browser).
//
//   node bench/web_phone.mjs [--runs N] [--amanat PATH] [--web DIR] [--port P] [--donations N]
//                            [--locale ru|kk|en] [--tmp DIR] [--keep] [--verbose] [--compare DIR]
//
// It builds nothing: --amanat (default: build/release/amanat, else build/test/amanat) and --web
// (default: web/dist, from `scripts/build.sh web`) are copied into a scratch directory first, so
// a rebuild meanwhile changes nothing measured. There, like web/tests/serve.sh but apart from the
// browser tests' web/.test-data and port 18080, it makes demo books (`amanat demo --donations
// 20000 --seed 7`, invented people only) and starts `amanat serve` on 127.0.0.1:18180 (--port).
// The page measured is /demo/appeals/CODE for the newest open appeal.
//
// Every visit is a first visit: a new browser context (no cache, no storage) with the cache also
// disabled through the DevTools protocol, at the size of Lighthouse's phone (Moto G Power: 412 x
// 823 CSS px, DPR 1.75, touch). Profiles:
//   slow4g  Chromium DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts), which is
//           Lighthouse's mobileSlow4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x) as
//           DevTools applies it: latency 150 ms x 3.75 = 562.5 ms per request, 1.6 Mbit/s x 0.9
//           down, 750 kbit/s x 0.9 up (DevTools throttles per request, not per packet, hence
//           the factors), plus Emulation.setCPUThrottlingRate 4. THE TARGET IS JUDGED ON THIS.
//   rtt150  the nominal figures applied as they are: 150 ms per request, 1,638.4 kbit/s down,
//           750 kbit/s up, CPU 4x (gentler than a real link: no handshakes, no slow start).
//   lowtier slow4g's network with the CPU rate that brings this machine's BenchmarkIndex (below)
//           to 264, what DevTools' CPU calibration takes for a low-tier phone (Moto G Power 2022):
//           a fixed 4x emulates a slower phone on a slow or busy machine than on a fast one.
//   none    unthrottled, the same phone viewport.
// Each profile loads the app's page (SPA: HTML, then its JavaScript, which fetches the figures)
// and, as the baseline, a static page with the very same markup (the rendered page saved once
// from the app, with the same stylesheet and no script) served by the same server, so the ratio
// app / static is the cost of the JavaScript and the API call over the bare network.
//
// "Usable" is when the appeal's h1 and its figures (the target, raised, spent and balance in
// main dl.stats) are in the page with layout boxes and the next frame has been produced
// (requestAnimationFrame, then a task): measured in the page from navigation start. Also FCP and
// LCP (the last candidate once the network is idle), bytes on the wire (CDP encodedDataLength:
// headers and bodies) and requests. Runs are interleaved (one of each variant per round).
//
// --compare DIR: another build of the web app (say, with a change to try), served by a second
// server (--port + 1, on a copy of the same books) and measured as "app-b" in the same rounds.
//
// Lighthouse's BenchmarkIndex of the machine (unthrottled: the best of three; at 4x; at lowtier's
// rate) is printed before and after the runs: a busy machine shows there first.
//
// Prints each run, then the median and worst of each variant, RATIO lines and a TARGET line.
// Exit status 0 when every visit worked, whether or not the target is met (the TARGET line
// says); 1 when a visit failed (a request failed or had a status of 400 or more, a page error, a
// timeout, the throttling not applied) or the server would not start; 2 usage. See
// docs/benchmarks.md.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync } from "node:fs";
import { loadavg, cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(repo, "web", "package.json"));
const { chromium } = require("playwright-core");

// ---- arguments -------------------------------------------------------------------------------
const opt = {
  runs: 5,
  amanat: "",
  web: join(repo, "web", "dist"),
  port: 18180,
  donations: 20000,
  locale: "ru",
  tmp: process.env.TMPDIR || tmpdir(),
  keep: false,
  verbose: false,
  compare: "",
};
function usage(msg) {
  if (msg) console.error(`web_phone: ${msg}`);
  const src = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const end = src.findIndex((l) => l.startsWith("import "));
  console.error(src.slice(1, end).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(2);
}
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === "--runs") opt.runs = Number(val());
  else if (a === "--amanat") opt.amanat = resolve(val());
  else if (a === "--web") opt.web = resolve(val());
  else if (a === "--port") opt.port = Number(val());
  else if (a === "--donations") opt.donations = Number(val());
  else if (a === "--locale") opt.locale = val();
  else if (a === "--tmp") opt.tmp = val();
  else if (a === "--keep") opt.keep = true;
  else if (a === "--verbose") opt.verbose = true;
  else if (a === "--compare") opt.compare = resolve(val());
  else if (a === "-h" || a === "--help") usage();
  else usage(`unknown argument ${a}`);
}
if (!(Number.isInteger(opt.runs) && opt.runs >= 1)) usage("--runs: a whole number, at least 1");
if (!(Number.isInteger(opt.port) && opt.port > 0 && opt.port < 65536)) usage("--port: 1-65535");
if (!["ru", "kk", "en"].includes(opt.locale)) usage("--locale: ru, kk or en");

const hasServe = (p) => {
  try {
    return statSync(p).isFile() && spawnSync(p, ["serve", "--help"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
};
if (!opt.amanat) {
  opt.amanat = ["release", "test"].map((f) => join(repo, "build", f, "amanat")).find(hasServe) ?? "";
  if (!opt.amanat) {
    console.error("web_phone: no build/release/amanat or build/test/amanat; build one (scripts/build.sh release) or pass --amanat");
    process.exit(1);
  }
} else if (!hasServe(opt.amanat)) {
  console.error(`web_phone: ${opt.amanat} is not an amanat with \`serve\``);
  process.exit(1);
}
for (const d of [opt.web, opt.compare].filter(Boolean))
  try {
    statSync(join(d, "index.html"));
  } catch {
    console.error(`web_phone: ${d} has no index.html: build the web app (scripts/build.sh web)`);
    process.exit(1);
  }
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
try {
  statSync(chromiumPath);
} catch {
  console.error(`web_phone: no Chromium at ${chromiumPath} (Debian package chromium; or set CHROMIUM_PATH)`);
  process.exit(1);
}

// ---- profiles ----------------------------------------------------------------------------------
const kbit = (k) => (k * 1000) / 8; // bytes/s, as DevTools counts (NetworkManager.ts: 1.6 * 1000 * 1000 / 8)
const PROFILES = {
  slow4g: { name: "slow4g", latency: 150 * 3.75, down: kbit(1600) * 0.9, up: kbit(750) * 0.9, cpu: 4 },
  rtt150: { name: "rtt150", latency: 150, down: (1638.4 * 1024) / 8, up: (750 * 1024) / 8, cpu: 4 },
  none: { name: "none", latency: 0, down: -1, up: -1, cpu: 1 },
};
const GOAL_MS = 2000;
const LOW_TIER = 264; // DevTools' CalibrationController: the BenchmarkIndex of a Moto G Power 2022
// Lighthouse's phone (core/config/constants.js: MOTOGPOWER_EMULATION_METRICS and its user agent).
const PHONE = {
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
    "121.0.0.0 Mobile Safari/537.36",
};

// ---- scratch directory, books, server -----------------------------------------------------------
const la = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const work = mkdtempSync(join(opt.tmp, "amanat-phone."));
const bin = join(work, "amanat");
const dist = join(work, "dist");
const data = join(work, "books");
const servers = { a: null, b: null }; // b: the --compare build's
let browser = null;
let failures = [];
const fail = (m) => {
  failures.push(m);
  console.log(`FAIL: ${m}`);
};

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  await stopServer("a");
  await stopServer("b");
  if (opt.keep) console.error(`web_phone: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

function run(args, what) {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}): ${r.stderr}`);
  return r;
}

// Server a serves --web from books/ on --port; server b the --compare build from a copy of the
// same books on --port + 1.
async function startServer(which) {
  const port = which === "a" ? opt.port : opt.port + 1;
  const logFile = join(work, `serve-${which}.log`);
  const log = openSync(logFile, "a");
  const args = ["serve", "--data", which === "a" ? data : `${data}-b`, "--org", "demo", "--listen", `127.0.0.1:${port}`,
    "--web", which === "a" ? dist : `${dist}-b`];
  const srv = (servers[which] = spawn(bin, args, { stdio: ["ignore", "ignore", log] }));
  let exited = false;
  srv.once("exit", () => (exited = true));
  for (let i = 0; i < 200; i++) {
    if (exited) break;
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server did not answer on port ${port} (taken? try --port): ${readFileSync(logFile, "utf8").slice(-2000)}`);
}
async function stopServer(which) {
  const srv = servers[which];
  if (!srv || srv.exitCode !== null) return;
  const done = new Promise((r) => srv.once("exit", r));
  srv.kill("SIGTERM");
  const t = setTimeout(() => srv.kill("SIGKILL"), 10000);
  await done;
  clearTimeout(t);
}

// ---- one visit --------------------------------------------------------------------------------
// Runs in the page before its own scripts: records when the appeal's heading and figures are
// there (and the next frame produced), FCP, and the LCP candidates.
const PROBE = () => {
  const w = window;
  w.__bench = { usable: 0, usableDom: 0, fcp: 0, lcp: 0, lcpTag: "" };
  const visible = (e) => (e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0);
  const ready = () => {
    const h1 = document.querySelector("main h1");
    const dd = document.querySelectorAll("main dl.stats dd");
    if (!h1 || !h1.textContent.trim() || dd.length < 3) return false;
    return [h1, ...dd].every((e) => e.textContent.trim() && visible(e));
  };
  const check = () => {
    if (w.__bench.usableDom || !ready()) return;
    w.__bench.usableDom = performance.now();
    requestAnimationFrame(() => setTimeout(() => (w.__bench.usable = performance.now()), 0));
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  document.addEventListener("DOMContentLoaded", check);
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.name === "first-contentful-paint") w.__bench.fcp = e.startTime;
    }).observe({ type: "paint", buffered: true });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        w.__bench.lcp = e.startTime;
        w.__bench.lcpTag = e.element ? e.element.tagName.toLowerCase() : "";
      }
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } catch {}
};

async function visit(url, profile) {
  const ctx = await browser.newContext({ ...PHONE, locale: opt.locale === "kk" ? "kk-KZ" : opt.locale === "en" ? "en-GB" : "ru-RU" });
  try {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (profile.latency > 0 || profile.down > 0)
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: profile.latency,
        downloadThroughput: profile.down,
        uploadThroughput: profile.up,
      });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
    const errors = [];
    const reqs = new Map();
    let bytes = 0;
    cdp.on("Network.requestWillBeSent", (e) => reqs.set(e.requestId, { url: e.request.url, status: 0 }));
    cdp.on("Network.responseReceived", (e) => {
      const r = reqs.get(e.requestId);
      if (r) r.status = e.response.status;
    });
    cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
    cdp.on("Network.loadingFailed", (e) => {
      if (!e.canceled) errors.push(`request failed: ${reqs.get(e.requestId)?.url}: ${e.errorText}`);
    });
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/Content Security Policy/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    await page.addInitScript(PROBE);
    await page.goto(url, { waitUntil: "commit", timeout: 60000 });
    await page.waitForFunction(() => window.__bench && window.__bench.usable > 0, null, { timeout: 60000, polling: 50 });
    await page.waitForLoadState("networkidle", { timeout: 60000 });
    const m = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const res = performance.getEntriesByType("resource").map((r) => ({
        name: r.name.replace(/^https?:\/\/[^/]+/, ""), start: r.startTime, ttfb: r.responseStart, end: r.responseEnd,
      }));
      // The observers' callbacks may not have run yet: the entries themselves, where they are.
      const b = { ...window.__bench };
      if (!b.fcp) b.fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
      return {
        ...b, ttfb: nav.responseStart, htmlEnd: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd, res,
      };
    });
    for (const r of reqs.values()) if (r.status && (r.status < 200 || r.status >= 400)) errors.push(`${r.url}: status ${r.status}`);
    // Throttling must show: the first byte of the HTML comes at least the emulated latency after the request.
    // (Chromium's emulation holds the response back, not its headers: count to its end.)
    if (profile.latency > 0 && m.htmlEnd < profile.latency * 0.9)
      errors.push(`throttling not applied: the HTML had arrived ${m.htmlEnd.toFixed(0)} ms after navigation start`);
    return {
      usable: Math.max(m.usable, m.fcp), usableDom: m.usableDom, fcp: m.fcp, lcp: m.lcp, lcpTag: m.lcpTag,
      timeline: `HTML ${m.ttfb.toFixed(0)}-${m.htmlEnd.toFixed(0)}, DCL ${m.dcl.toFixed(0)}, load ${m.load.toFixed(0)}; ` +
        m.res.map((r) => `${r.name.replace(/.*\//, "")} ${r.start.toFixed(0)}>${r.ttfb.toFixed(0)}-${r.end.toFixed(0)}`).join(", "),
      bytes, requests: reqs.size, urls: [...reqs.values()].map((r) => r.url.replace(/^https?:\/\/[^/]+/, "")), errors,
    };
  } finally {
    await ctx.close();
  }
}

// The host's speed as a page sees it: Lighthouse's BenchmarkIndex (its computeBenchmarkIndex,
// core/lib/page-functions.js: the mean of a string-building loop and an array-copying loop, 0.5 s
// each, both counted per second over 10). Its scale, from Lighthouse (as of Chrome m86): 1000+
// desktop class, 800+ high-end Android, 125+ mid-tier Android (Moto G4), under 125 budget;
// Chromium DevTools' CPU calibration takes 1000 for a mid-tier phone (Pixel 5) and 264 for a
// low-tier one (Moto G Power 2022). Measured unthrottled and at the profile's CPU rate, so a run
// says what phone the 4x slowdown of this machine (at this load) amounted to.
async function benchmarkIndex(cpu = 1) {
  const page = await browser.newPage();
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpu });
    return await page.evaluate(() => {
      const perSecond = (n, start) => Math.round(n / 10 / ((Date.now() - start) / 1000));
      let start = Date.now();
      let n = 0;
      while (Date.now() - start < 500) {
        let s = "";
        for (let j = 0; j < 10000; j++) s += "a";
        if (s.length === 1) throw new Error("never");
        n++;
      }
      const gc = perSecond(n, start);
      const a = [];
      const b = [];
      for (let i = 0; i < 100000; i++) a[i] = b[i] = i;
      start = Date.now();
      n = 0;
      while (n % 10 !== 0 || Date.now() - start < 500) {
        const [src, dst] = n % 2 === 0 ? [a, b] : [b, a];
        for (let j = 0; j < src.length; j++) dst[j] = src[j];
        n++;
      }
      return Math.round((gc + perSecond(n, start)) / 2);
    });
  } finally {
    await page.close();
  }
}

// ---- main ---------------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;

try {
  const tree = spawnSync("git", ["-C", repo, "describe", "--always", "--dirty"], { encoding: "utf8" }).stdout.trim() || "?";
  console.log(`== web_phone: ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC, load average ${la()}, nproc ${cpus().length}`);
  console.log(`   binary: ${opt.amanat}, built ${statSync(opt.amanat).mtime.toISOString().slice(0, 16)} UTC (the tree is at ${tree})`);
  console.log(`   web app: ${opt.web}; Chromium: ${spawnSync(chromiumPath, ["--version"], { encoding: "utf8" }).stdout.trim()}`);
  console.log(`   scratch: ${work}`);
  copyFileSync(opt.amanat, bin);
  spawnSync("chmod", ["+x", bin]);
  cpSync(opt.web, dist, { recursive: true });
  const sizes = JSON.parse(readFileSync(join(dist, "sizes.json"), "utf8"));
  for (const [name, s] of Object.entries(sizes))
    console.log(`   bundle (dist/sizes.json): ${name} pages load ${s.initial_js_gzip} bytes of JavaScript gzipped at first (budget ${s.budget}): ${s.files.join(", ")}`);

  const demo = run(["demo", "--data", data, "--donations", String(opt.donations), "--seed", "7"], "amanat demo");
  console.log(`   ${(demo.stderr.match(/demo books:.*/) ?? [""])[0]}`);
  const report = run(["report", "--data", data], "amanat report").stdout;
  const appeal = report
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === "open" && /^A-/.test(f[0]))
    .map((f) => f[0])
    .pop();
  if (!appeal) throw new Error("the demo books have no open appeal");
  const base = `http://127.0.0.1:${opt.port}`;
  const spaUrl = `${base}/demo/appeals/${appeal}`;
  const staticUrl = `${base}/bench-static.html`;
  const compareUrl = `http://127.0.0.1:${opt.port + 1}/demo/appeals/${appeal}`;

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--disable-dev-shm-usage", "--disable-gpu"] });

  // The static baseline: the app's page as rendered, saved with its stylesheet and no script.
  if (opt.compare) {
    cpSync(opt.compare, `${dist}-b`, { recursive: true });
    cpSync(data, `${data}-b`, { recursive: true });
    await startServer("b");
  }
  await startServer("a");
  {
    const ctx = await browser.newContext({ ...PHONE, locale: opt.locale === "kk" ? "kk-KZ" : opt.locale === "en" ? "en-GB" : "ru-RU" });
    const page = await ctx.newPage();
    await page.addInitScript(PROBE);
    await page.goto(spaUrl);
    await page.waitForFunction(() => window.__bench && window.__bench.usable > 0, null, { timeout: 60000 });
    await page.waitForLoadState("networkidle");
    const snap = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.title,
      css: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute("href")),
      body: document.body.innerHTML,
      h1: document.querySelector("main h1")?.textContent ?? "",
      figures: [...document.querySelectorAll("main dl.stats dd")].map((d) => d.textContent),
    }));
    await ctx.close();
    const body = snap.body.replace(/<script[\s\S]*?<\/script>/g, "");
    const html =
      `<!doctype html>\n<html lang="${snap.lang}">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${snap.title.replace(/</g, "&lt;")}</title>\n` +
      `<link rel="icon" href="/favicon.svg" type="image/svg+xml">\n` +
      snap.css.map((h) => `<link rel="stylesheet" href="${h}">\n`).join("") +
      `</head>\n<body>\n${body}\n</body>\n</html>\n`;
    writeFileSync(join(dist, "bench-static.html"), html);
    writeFileSync(join(dist, "bench-static.html.gz"), gzipSync(Buffer.from(html), { level: 9 }));
    console.log(`   page: ${spaUrl}: "${snap.h1}", figures ${snap.figures.join(" | ")}`);
    console.log(`   static baseline: ${staticUrl} (${html.length} bytes, ${gzipSync(Buffer.from(html), { level: 9 }).length} gzipped)`);
  }
  await stopServer("a"); // the server reads the web app's folder when it starts
  await startServer("a");

  await benchmarkIndex(); // the first page of a browser runs slow: not counted
  // The best of three: what the machine does when others leave it alone for a second.
  const idx0 = [Math.max(await benchmarkIndex(), await benchmarkIndex(), await benchmarkIndex()), await benchmarkIndex(4)];
  // Calibrated like DevTools' "low-tier mobile" CPU preset: the rate that brings this machine's
  // BenchmarkIndex down to 264.
  PROFILES.lowtier = { ...PROFILES.slow4g, name: "lowtier", cpu: Math.max(1, Math.round((idx0[0] / LOW_TIER) * 10) / 10) };
  const variants = [];
  for (const p of ["slow4g", "lowtier", "rtt150", "none"])
    for (const [kind, url] of [["app", spaUrl], ["static", staticUrl], ...(opt.compare ? [["app-b", compareUrl]] : [])])
      variants.push({ key: `${kind} ${p}`, kind, profile: PROFILES[p], url, runs: [] });
  const P = PROFILES.slow4g;
  console.log(
    `   slow4g: latency ${P.latency} ms per request, ${((P.down * 8) / 1000).toFixed(0)} kbit/s down, ${((P.up * 8) / 1000).toFixed(1)} kbit/s up, CPU ${P.cpu}x` +
      `; rtt150: 150 ms, 1638.4 kbit/s down (Lighthouse's 1.6 x 1024), 750 kbit/s up, CPU 4x; ${opt.runs} rounds`,
  );
  console.log(
    `   BenchmarkIndex (Lighthouse's; ${LOW_TIER} = a low-tier phone to DevTools): ${idx0[0]} unthrottled, ${idx0[1]} at CPU 4x;` +
      ` lowtier: slow4g's network with CPU ${PROFILES.lowtier.cpu}x (${idx0[0]} / ${LOW_TIER})`,
  );
  console.log();
  for (let round = 1; round <= opt.runs; round++) {
    console.log(`== round ${round} of ${opt.runs}: load average ${la()}`);
    for (const v of variants) {
      let r;
      try {
        r = await visit(v.url, v.profile);
      } catch (e) {
        fail(`${v.key} round ${round}: ${e.message.split("\n")[0]}`);
        continue;
      }
      for (const e of r.errors) fail(`${v.key} round ${round}: ${e}`);
      v.runs.push(r);
      console.log(
        `   ${v.key.padEnd(14)} usable ${ms(r.usable).padStart(8)}  FCP ${ms(r.fcp).padStart(8)}  LCP ${ms(r.lcp).padStart(8)} (${r.lcpTag || "?"})` +
          `  ${r.requests} requests, ${(r.bytes / 1024).toFixed(1)} KiB`,
      );
      if (round === 1 && v.profile.name === "none" && !opt.verbose) console.log(`      requests: ${r.urls.join(" ")}`);
      if (opt.verbose) console.log(`      ${r.timeline} (ms from navigation start: start>first byte-end)`);
    }
  }

  const idx1 = [await benchmarkIndex(), await benchmarkIndex(4), await benchmarkIndex(PROFILES.lowtier.cpu)];
  console.log(
    `   BenchmarkIndex after the runs: ${idx1[0]} unthrottled, ${idx1[1]} at CPU 4x, ${idx1[2]} at ${PROFILES.lowtier.cpu}x` +
      ` (before: ${idx0[0]}, ${idx0[1]})`,
  );
  console.log();
  console.log(`== figures (${opt.runs} first visits each, median / worst; load average now ${la()})`);
  const stat = {};
  for (const v of variants) {
    if (!v.runs.length) continue;
    const u = v.runs.map((r) => r.usable);
    stat[v.key] = { med: median(u), worst: Math.max(...u) };
    console.log(
      `${v.key.padEnd(14)} usable ${ms(median(u)).padStart(8)} / ${ms(Math.max(...u)).padStart(8)}` +
        `   FCP ${ms(median(v.runs.map((r) => r.fcp))).padStart(8)}   LCP ${ms(median(v.runs.map((r) => r.lcp))).padStart(8)}` +
        `   ${median(v.runs.map((r) => r.requests))} requests, ${(median(v.runs.map((r) => r.bytes)) / 1024).toFixed(1)} KiB on the wire`,
    );
  }
  const ratio = (a, b) => (stat[a] && stat[b] ? (stat[a].med / stat[b].med).toFixed(2) : "?");
  console.log(`RATIO app / static page with the same figures, slow4g (medians) = ${ratio("app slow4g", "static slow4g")}`);
  console.log(
    `RATIO app / static, lowtier = ${ratio("app lowtier", "static lowtier")}; rtt150 = ${ratio("app rtt150", "static rtt150")}` +
      `; unthrottled = ${ratio("app none", "static none")}`,
  );
  console.log(`RATIO app slow4g / app unthrottled = ${ratio("app slow4g", "app none")}`);
  if (opt.compare)
    console.log(
      `RATIO app-b (--compare) / app: ` +
        ["slow4g", "lowtier", "rtt150", "none"].map((p) => `${p} ${ratio(`app-b ${p}`, `app ${p}`)}`).join(", "),
    );
  const s = stat["app slow4g"];
  if (s) {
    const within = variants.find((v) => v.key === "app slow4g").runs.filter((r) => r.usable <= GOAL_MS).length;
    console.log(`RATIO app slow4g median / the 2 s goal = ${(s.med / GOAL_MS).toFixed(2)}; worst / goal = ${(s.worst / GOAL_MS).toFixed(2)}`);
    const verdict =
      s.worst <= GOAL_MS ? "MET" : s.med <= GOAL_MS ? `MET on the median, NOT in ${opt.runs - within} of ${opt.runs} runs` : "NOT MET";
    console.log(
      `TARGET an appeal page usable within 2 s on a slow 4G phone (DevTools Slow 4G, CPU 4x, first visit): ${verdict}` +
        ` (median ${ms(s.med)}, worst ${ms(s.worst)}; ${within} of ${opt.runs} runs within 2 s)`,
    );
  }
} catch (e) {
  fail(e.message);
} finally {
  await cleanup();
}
if (failures.length) {
  console.log(`web_phone: ${failures.length} failure(s):`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exit(1);
}
console.log("web_phone: every visit worked");
