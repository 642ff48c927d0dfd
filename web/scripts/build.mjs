// Builds the web app into dist/: JavaScript and CSS with content-hashed names under assets/
// (served as immutable), the HTML pages that load them (served no-cache), and a .gz beside each
// file for `amanat serve` to send to browsers that take gzip. Fails when the initial JavaScript of
// a page passes its budget (issue 14: public pages 40 KB gzipped, the staff app 90 KB), and
// writes dist/sizes.json with what each page loads first.
import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const budgets = { public: 40 * 1024, staff: 90 * 1024 };

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });

// One build per page, not one for both: shared code split into chunks common to the two pages
// made the public page load six scripts, and with the figures and the stylesheet that is more
// requests than the six connections a browser opens to one host, so the last scripts waited a
// whole round trip (562.5 ms on slow 4G; bench/web_phone.mjs). Each page now loads its entry and
// the chunks only it needs (the Ed25519 fallback, the language catalogues, loaded when needed).
const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  splitting: true,
  format: "esm",
  target: ["es2020", "chrome87", "safari15", "firefox90"],
  outdir: join(dist, "assets"),
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  jsx: "automatic",
  jsxImportSource: "preact",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
};
const builds = await Promise.all([
  esbuild.build({ ...common, entryPoints: { public: "src/public/main.tsx" } }),
  esbuild.build({ ...common, entryPoints: { staff: "src/staff/main.tsx" } }),
  esbuild.build({ ...common, entryPoints: { style: "src/style.css" } }),
]);
const result = { metafile: { outputs: Object.assign({}, ...builds.map((b) => b.metafile.outputs)) } };

const outputs = result.metafile.outputs;
const findEntry = (entry) =>
  Object.keys(outputs).find((o) => outputs[o].entryPoint === entry && (o.endsWith(".js") || o.endsWith(".css")));
const url = (o) => "/" + relative(dist, join(root, o)).split("\\").join("/");
const gz = (o) => gzipSync(readFileSync(join(root, o)), { level: 9 }).length;

// A page's initial JavaScript: its entry and every chunk it imports statically (the HTML
// preloads the chunks, so that a slow phone fetches them in parallel rather than one after another).
function initial(entryOut) {
  const seen = new Set();
  const visit = (o) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
  };
  visit(entryOut);
  return [...seen];
}

// Every output a page may load: its initial JavaScript and what that imports when needed.
function reachable(entryOut) {
  const seen = new Set();
  const visit = (o) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of outputs[o].imports) if (i.kind === "import-statement" || i.kind === "dynamic-import") visit(i.path);
  };
  visit(entryOut);
  return [...seen];
}

// A page's language chunks: one of them is loaded before the first render, so the largest counts
// as initial JavaScript too. The default language's catalogue (Russian: i18n initialLang's choice
// when neither the reader nor the browser names another) is preloaded by the HTML, so that most
// readers' catalogue arrives beside the scripts instead of after them; a reader of another
// language fetches theirs after the scripts, as before, and this one in vain (7 KB).
function catalogs(entryOut) {
  const chunks = reachable(entryOut).filter((o) =>
    Object.keys(outputs[o].inputs).some((i) => /^src\/i18n\/(ru|kk|en)\.ts$/.test(i)));
  return {
    largest: chunks.reduce((best, o) => (!best || gz(o) > gz(best) ? o : best), undefined),
    preloaded: chunks.find((o) => Object.keys(outputs[o].inputs).includes("src/i18n/ru.ts")),
  };
}

const css = findEntry("src/style.css");
const sizes = {};
const page = (name, entry, title) => {
  const js = findEntry(entry);
  const { largest: largestCatalog, preloaded: defaultCatalog } = catalogs(js);
  const files = [...new Set([...initial(js), ...(largestCatalog ? initial(largestCatalog) : [])])];
  const bytes = files.reduce((n, f) => n + gz(f), 0);
  sizes[name] = { initial_js_gzip: bytes, budget: budgets[name], files: files.map(url) };
  if (bytes > budgets[name]) {
    console.error(`build: the ${name} pages load ${bytes} bytes of JavaScript gzipped, past their budget of ${budgets[name]}`);
    process.exitCode = 1;
  }
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${url(css)}">
<script type="module" src="${url(js)}"></script>
${[...new Set([...initial(js), ...(defaultCatalog ? initial(defaultCatalog) : [])])].filter((f) => f !== js).map((f) => `<link rel="modulepreload" href="${url(f)}">`).join("\n")}
</head>
<body>
<div id="app"></div>
<noscript><p>This page needs JavaScript to show the figures; the same figures are at /api/v1/.</p></noscript>
</body>
</html>
`;
};
// Files served as they are (public/), at the root.
for (const f of readdirSync(join(root, "public"))) copyFileSync(join(root, "public", f), join(dist, f));
writeFileSync(join(dist, "index.html"), page("public", "src/public/main.tsx", "amanat"));
writeFileSync(join(dist, "staff.html"), page("staff", "src/staff/main.tsx", "amanat · staff"));
writeFileSync(join(dist, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");

// gzip beside every text file.
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
for (const f of walk(dist)) if (/\.(js|css|html|json|svg)$/.test(f)) writeFileSync(f + ".gz", gzipSync(readFileSync(f), { level: 9 }));

for (const [name, s] of Object.entries(sizes))
  console.error(`build: ${name}: ${(s.initial_js_gzip / 1024).toFixed(1)} KB of JavaScript gzipped at first load (budget ${s.budget / 1024} KB)`);
