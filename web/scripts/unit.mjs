// Unit tests of the in-browser verifier (src/verify/tlog.ts), run in Node before the browser
// tests: RFC 6962 inclusion vectors, C2SP tile paths, note verifier keys (testdata/tlog/), the
// receipt commitment as the server computes it, and consistency from tiles over a tree large
// enough to have three tile levels, against a reference Merkle tree hash computed here.
import * as esbuild from "esbuild";
import { createHash, webcrypto } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import assert from "node:assert/strict";

globalThis.crypto ??= webcrypto;  // Node 18 has Web Crypto, but not as a global
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const vectors = join(root, "..", "testdata", "tlog");
const tmp = mkdtempSync(join(tmpdir(), "amanat-unit-"));
const out = join(tmp, "tlog.mjs");  // .mjs: Node 18 takes a bare .js outside a package for CommonJS
await esbuild.build({ entryPoints: [join(root, "src/verify/tlog.ts")], bundle: true, format: "esm", platform: "neutral",
  outfile: out, logLevel: "warning", external: ["@noble/ed25519"] });
const t = await import(pathToFileURL(out).href);
await esbuild.build({ entryPoints: [join(root, "src/i18n/ru.ts"), join(root, "src/i18n/kk.ts"), join(root, "src/i18n/en.ts")],
  bundle: true, format: "esm", platform: "neutral", outdir: tmp, outExtension: { ".js": ".mjs" }, logLevel: "warning" });
const catalogs = {
  ru: (await import(pathToFileURL(join(tmp, "ru.mjs")).href)).ru,
  kk: (await import(pathToFileURL(join(tmp, "kk.mjs")).href)).kk,
  en: (await import(pathToFileURL(join(tmp, "en.mjs")).href)).en,
};
rmSync(tmp, { recursive: true, force: true });

let passed = 0;
async function test(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    console.error(`unit: FAILED ${name}\n`, e);
    process.exitCode = 1;
  }
}
const fromHex = (h) => new Uint8Array(Buffer.from(h, "hex"));
const load = (f) => JSON.parse(readFileSync(join(vectors, f), "utf8"));

await test("RFC 6962 inclusion proofs lead to their roots, and a changed path does not", async () => {
  for (const v of load("rfc6962_proofs.json").inclusion) {
    const leaf = await t.leafHash(fromHex(v.leaf_input_hex));
    const path = v.proof_hex.map(fromHex);
    const got = await t.rootFromInclusion(v.leaf_index_0based, v.tree_size, leaf, path);
    assert.equal(t.hex(got), v.root_hex);
    if (path.length > 0) {
      path[0][0] ^= 1;
      assert.notEqual(t.hex(await t.rootFromInclusion(v.leaf_index_0based, v.tree_size, leaf, path)), v.root_hex);
    }
  }
});

await test("tile paths follow C2SP tlog-tiles", async () => {
  // Indexes past 2^53 (in the vectors) are beyond any log a browser checks: JavaScript numbers.
  for (const v of load("tile_paths.json").c2sp_tile_paths.filter((v) => Number.isSafeInteger(v.index)))
    assert.equal(t.tilePath(v.level, v.index, v.partial_width || 256), v.path);
});

await test("note verifier keys: a real key is accepted with its ID, malformed ones refused", async () => {
  const notes = load("signed_note_vectors.json");
  for (const v of notes.real_world_vkeys) assert.equal(t.hex((await t.parseVerifierKey(v.vkey)).id), v.key_id_hex);
  for (const v of notes.bad_vkeys) await assert.rejects(t.parseVerifierKey(v.vkey), v.why);
});

await test("a receipt code's commitment is the server's (any case, with or without dashes, O/I/L typos)", async () => {
  // Booked by `amanat donation add`; its leaf carries this commitment.
  const want = "16a329cc8ece90db19e91144d009175dde928f50357be009a6d58c7caf9a7dce";
  for (const code of ["229-RHD4-9J0Q-CXZM-76ZZ-F4Z0-9REF-CG", "229rhd49j0qcxzm76zzf4z09refcg", "229-RHD4-9JOQ-CXZM-76ZZ-F4Z0-9REF-CG"]) {
    const c = await t.receiptCommitment(code);
    assert.equal(c.record, 229);
    assert.equal(c.commitment, want);
  }
  await assert.rejects(t.receiptCommitment("229-RHD4"));
});

await test("roots from tiles: a later tree is shown to extend an earlier one, and a forged tile is caught", async () => {
  const n = 66_000;  // three tile levels: 0, 1 (256 leaves each) and 2 (65,536)
  const sha = (...parts) => { const h = createHash("sha256"); for (const p of parts) h.update(p); return h.digest(); };
  const leaves = Array.from({ length: n }, (_, i) => sha(Buffer.from([0]), Buffer.from(`leaf ${i}`)));
  // levels[h][i]: the complete subtree of height h at position i.
  const levels = [leaves];
  for (let h = 1; levels[h - 1].length > 1; h++) {
    const prev = levels[h - 1], next = [];
    for (let i = 0; i + 1 < prev.length; i += 2) next.push(sha(Buffer.from([1]), prev[i], prev[i + 1]));
    levels.push(next);
  }
  const mth = (lo, hi) => {
    const k = hi - lo;
    if ((k & (k - 1)) === 0 && lo % k === 0) return levels[Math.log2(k)][lo / k];
    let s = 1;
    while (s * 2 < k) s *= 2;
    return sha(Buffer.from([1]), mth(lo, lo + s), mth(lo + s, hi));
  };
  let forged = null;
  const serve = (size) => async (url) => {
    const m = /tile\/(\d+)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(url);
    const level = Number(m[1]), index = Number(m[2].replace(/x|\//g, "")), width = Number(m[3] ?? 256);
    const entries = levels[level * 8].slice(index * 256, index * 256 + width);
    assert.equal(entries.length, width, `${url} at size ${size}`);
    const body = Buffer.concat(entries);
    if (forged === url) body[0] ^= 1;
    return new Response(body);
  };
  for (const [a, b] of [[1, 2], [255, 256], [256, 257], [1000, 65_537], [65_536, 66_000], [3, 66_000], [65_999, 66_000]]) {
    const [ra, rb] = await t.rootsFromTiles(new t.TileReader("https://log.example/", b, serve(b)), a, b);
    assert.equal(t.hex(ra), mth(0, a).toString("hex"), `root of ${a}`);
    assert.equal(t.hex(rb), mth(0, b).toString("hex"), `root of ${b}`);
    const cp = { size: b, root: new Uint8Array(mth(0, b)) };
    await t.verifyExtends({ size: a, root: new Uint8Array(mth(0, a)) }, cp, new t.TileReader("https://log.example/", b, serve(b)));
    await assert.rejects(
      t.verifyExtends({ size: a, root: new Uint8Array(32) }, cp, new t.TileReader("https://log.example/", b, serve(b))),
      /does not contain/);
  }
  forged = "https://log.example/tile/1/000";  // holds the subtree of the first 256 leaves
  await assert.rejects(t.verifyExtends({ size: 300, root: new Uint8Array(mth(0, 300)) },
    { size: 66_000, root: new Uint8Array(mth(0, 66_000)) }, new t.TileReader("https://log.example/", 66_000, serve(66_000))));
});

await test("every plural message has the forms its language's plural rules ask for", async () => {
  // The type checker sees that every key is in every catalogue; it cannot see CLDR's categories.
  const needs = (lang) => new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  const walk = (lang, node, path) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v !== "object") continue;
      const plural = Object.keys(v).every((f) => ["zero", "one", "two", "few", "many", "other"].includes(f));
      if (plural)
        for (const form of needs(lang)) assert.ok(typeof v[form] === "string", `${lang} ${path}${k}: no "${form}" form`);
      else walk(lang, v, `${path}${k}.`);
    }
  };
  for (const [lang, c] of Object.entries(catalogs)) walk(lang, c, "");
  assert.deepEqual([...needs("ru")].sort(), ["few", "many", "one", "other"]);
});

console.error(`unit: ${passed} passed${process.exitCode ? ", some FAILED" : ""}`);
