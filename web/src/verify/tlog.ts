// Checking a donation's proof in the browser, with nothing trusted but the log's verifier key:
//   - the c2sp.org/tlog-proof@v1 file (C2SP tlog-proof): its extra data (the donation's leaf),
//     its index, its Merkle path and its checkpoint;
//   - the checkpoint's Ed25519 signature (C2SP signed-note, tlog-checkpoint), with Web Crypto
//     and, where the browser has no Ed25519 there, @noble/ed25519 loaded only then;
//   - the inclusion of the leaf at the index in the tree the checkpoint names (RFC 9162 §2.1.3.2);
//   - that a later checkpoint extends one seen before, by recomputing both roots from the log's
//     tiles (C2SP tlog-tiles) along the earlier size's boundary, so that the earlier tree's
//     subtrees are the very nodes the later root is built from.
// Every failure throws a ProofError whose `code` the page translates.

export class ProofError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

const enc = new TextEncoder();

// Bytes on an ordinary ArrayBuffer, as Web Crypto takes them.
export type Bytes = Uint8Array<ArrayBuffer>;

export function b64decode(s: string): Bytes {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new ProofError("malformed", "bad base64");
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function b64encode(b: Bytes): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function hex(b: Bytes): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}

function equal(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

export const leafHash = (leaf: Bytes) => sha256(concat(new Uint8Array([0]), leaf));
export const nodeHash = (l: Bytes, r: Bytes) => sha256(concat(new Uint8Array([1]), l, r));

// ---- the proof file ----

export interface Checkpoint {
  origin: string;
  size: number;
  root: Bytes;
  text: string;  // the signed body, with its final newline
  signatures: { name: string; sig: Bytes }[];
}

export interface TlogProof {
  extra: Bytes;
  index: number;
  path: Bytes[];
  checkpoint: Checkpoint;
}

function decimal(s: string | undefined, what: string): number {
  if (!s || !/^(0|[1-9][0-9]{0,15})$/.test(s)) throw new ProofError("malformed", `${what} is not a number`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new ProofError("malformed", `${what} is too large`);
  return n;
}

export function parseCheckpoint(note: string): Checkpoint {
  const split = note.indexOf("\n\n");
  if (split < 0) throw new ProofError("malformed", "the checkpoint has no signature block");
  const text = note.slice(0, split + 1);
  const lines = text.split("\n");
  const [origin, size, root] = lines;
  if (!origin || lines.length < 4) throw new ProofError("malformed", "the checkpoint is too short");
  const r = b64decode(root ?? "");
  if (r.length !== 32) throw new ProofError("malformed", "the checkpoint's root is not 32 bytes");
  const signatures = [];
  for (const line of note.slice(split + 2).split("\n")) {
    if (line === "") continue;
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new ProofError("malformed", "a signature line is malformed");
    signatures.push({ name: m[1]!, sig: b64decode(m[2]!) });
  }
  return { origin, size: decimal(size, "the checkpoint's size"), root: r, text, signatures };
}

export function parseProof(file: string): TlogProof {
  const split = file.indexOf("\n\n");
  if (split < 0) throw new ProofError("malformed", "the proof has no checkpoint");
  const head = file.slice(0, split).split("\n");
  if (head.shift() !== "c2sp.org/tlog-proof@v1") throw new ProofError("malformed", "not a c2sp.org/tlog-proof@v1 file");
  let extra = new Uint8Array();
  if (head[0]?.startsWith("extra ")) extra = b64decode(head.shift()!.slice(6));
  const idx = head.shift();
  if (!idx?.startsWith("index ")) throw new ProofError("malformed", "the proof has no index line");
  const index = decimal(idx.slice(6), "the index");
  const path = head.map((l) => {
    const h = b64decode(l);
    if (h.length !== 32) throw new ProofError("malformed", "a path hash is not 32 bytes");
    return h;
  });
  return { extra, index, path, checkpoint: parseCheckpoint(file.slice(split + 2)) };
}

// ---- keys and signatures ----

export interface VerifierKey {
  name: string;
  id: Bytes;   // 4 bytes
  key: Bytes;  // the Ed25519 public key
}

export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const a = vkey.indexOf("+"), b = vkey.indexOf("+", a + 1);
  if (a <= 0 || b < 0) throw new ProofError("key", "the log's key is malformed");
  const name = vkey.slice(0, a), idHex = vkey.slice(a + 1, b);
  const raw = b64decode(vkey.slice(b + 1));
  if (!/^[0-9a-f]{8}$/.test(idHex) || raw.length !== 33 || raw[0] !== 1)
    throw new ProofError("key", "the log's key is not an Ed25519 note key");
  const id = (await sha256(concat(enc.encode(name + "\n"), raw))).slice(0, 4);
  if (hex(id) !== idHex) throw new ProofError("key", "the log's key ID does not match the key");
  return { name, id, key: raw.slice(1) };
}

// Which implementation checked the signature: the browser's own, or the fallback library.
export type Ed25519Engine = "webcrypto" | "noble";

async function ed25519Verify(key: Bytes, sig: Bytes, msg: Bytes, force?: Ed25519Engine)
    : Promise<[boolean, Ed25519Engine]> {
  if (force !== "noble") {
    try {
      const k = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
      return [await crypto.subtle.verify({ name: "Ed25519" }, k, sig, msg), "webcrypto"];
    } catch (e) {
      if (force === "webcrypto") throw e;  // no fallback asked for
    }
  }
  const noble = await import("@noble/ed25519");
  return [await noble.verifyAsync(sig, msg, key), "noble"];
}

// Checks that `cp` carries a valid signature by `vk`; returns which engine checked it.
export async function verifyCheckpoint(cp: Checkpoint, vk: VerifierKey, force?: Ed25519Engine): Promise<Ed25519Engine> {
  if (cp.origin !== vk.name) throw new ProofError("origin", "the checkpoint is of another log");
  for (const s of cp.signatures) {
    if (s.name !== vk.name || s.sig.length !== 68 || !equal(s.sig.slice(0, 4), vk.id)) continue;
    const [ok, engine] = await ed25519Verify(vk.key, s.sig.slice(4), enc.encode(cp.text), force);
    if (!ok) throw new ProofError("signature", "the log's signature on the checkpoint is not valid");
    return engine;
  }
  throw new ProofError("signature", "the checkpoint carries no signature by the log's key");
}

// ---- Merkle proofs (RFC 9162 §2.1.3.2) ----

export async function rootFromInclusion(index: number, size: number, leaf: Bytes, path: Bytes[])
    : Promise<Bytes> {
  if (index >= size) throw new ProofError("inclusion", "the index is beyond the tree");
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) throw new ProofError("inclusion", "the path is too long");
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) (fn = Math.floor(fn / 2)), (sn = Math.floor(sn / 2));
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2), sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError("inclusion", "the path is too short");
  return r;
}

export async function verifyInclusion(p: TlogProof): Promise<void> {
  const root = await rootFromInclusion(p.index, p.checkpoint.size, await leafHash(p.extra), p.path);
  if (!equal(root, p.checkpoint.root))
    throw new ProofError("inclusion", "the path does not lead to the checkpoint's root");
}

// ---- consistency from tiles (C2SP tlog-tiles) ----

export function tilePath(level: number, index: number, width: number): string {
  let n = String(index).padStart(3, "0");
  const groups: string[] = [];
  for (let i = index; ; ) {
    groups.unshift(String(i % 1000).padStart(3, "0"));
    i = Math.floor(i / 1000);
    if (i === 0) break;
  }
  n = groups.map((g, i) => (i < groups.length - 1 ? "x" + g : g)).join("/");
  return `tile/${level}/${n}` + (width < 256 ? `.p/${width}` : "");
}

// The hash of the complete subtree of height `h` at position `i` (leaves i*2^h .. (i+1)*2^h-1),
// read from the tiles of a tree of `size` leaves served under `base`.
export class TileReader {
  private cache = new Map<string, Promise<Bytes>>();
  constructor(private base: string, private size: number, private fetcher = (url: string) => fetch(url)) {}

  private tile(level: number, index: number): Promise<Bytes> {
    const full = Math.floor(this.size / 256 ** (level + 1));
    const width = index < full ? 256 : Math.floor(this.size / 256 ** level) - index * 256;
    const path = tilePath(level, index, width);
    let t = this.cache.get(path);
    if (!t) {
      t = this.fetcher(this.base + path).then(async (r) => {
        if (!r.ok) throw new ProofError("tiles", `the log answered ${r.status} for ${path}`);
        const b = new Uint8Array(await r.arrayBuffer());
        if (b.length !== width * 32) throw new ProofError("tiles", `${path} has the wrong length`);
        return b;
      });
      this.cache.set(path, t);
    }
    return t;
  }

  async node(h: number, i: number): Promise<Bytes> {
    const level = Math.floor(h / 8), r = h % 8;
    // The 2^r entries of tile level `level` under this node, hashed up r times.
    const first = i * 2 ** r;
    const t = await this.tile(level, Math.floor(first / 256));
    let hashes: Bytes[] = [];
    for (let k = 0; k < 2 ** r; k++) {
      const at = (first % 256) + k;
      hashes.push(t.slice(at * 32, at * 32 + 32));
    }
    while (hashes.length > 1) {
      const next: Bytes[] = [];
      for (let k = 0; k < hashes.length; k += 2) next.push(await nodeHash(hashes[k]!, hashes[k + 1]!));
      hashes = next;
    }
    return hashes[0]!;
  }
}

// Roots of the trees of sizes `a` <= `b` computed from one set of nodes: the tree of size b is
// split along a's boundary, so the subtrees that make up a are the nodes b's root is built from.
export async function rootsFromTiles(tiles: TileReader, a: number, b: number): Promise<[Bytes, Bytes]> {
  const parts: Bytes[] = [];  // a's maximal subtrees, left to right
  async function mth(lo: number, hi: number): Promise<Bytes> {
    const n = hi - lo;
    const pow = n > 0 && (n & (n - 1)) === 0 && lo % n === 0;
    if (pow && !(lo < a && a < hi)) {
      const h = await tiles.node(Math.log2(n), lo / n);
      if (hi <= a) parts.push(h);
      return h;
    }
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(await mth(lo, lo + k), await mth(lo + k, hi));
  }
  const rootB = await mth(0, b);
  // a's root from its maximal subtrees, right to left (RFC 9162's MTH over a's decomposition).
  let rootA = parts[parts.length - 1]!;
  for (let k = parts.length - 2; k >= 0; k--) rootA = await nodeHash(parts[k]!, rootA);
  return [rootA, rootB];
}

// Checks that the tree `later` extends the tree `earlier` (same log).
export async function verifyExtends(earlier: { size: number; root: Bytes }, later: Checkpoint, tiles: TileReader)
    : Promise<void> {
  if (later.size < earlier.size) throw new ProofError("rollback", "the log is smaller than it was before");
  if (later.size === earlier.size) {
    if (!equal(later.root, earlier.root)) throw new ProofError("fork", "the log shows two different trees of one size");
    return;
  }
  if (earlier.size === 0) return;
  const [a, b] = await rootsFromTiles(tiles, earlier.size, later.size);
  if (!equal(b, later.root)) throw new ProofError("tiles", "the log's tiles do not match its checkpoint");
  if (!equal(a, earlier.root)) throw new ProofError("fork", "the log's new tree does not contain the tree seen before");
}

// ---- the donation itself ----

// The receipt code's commitment as the leaf carries it: hex SHA-256 of "amanat-receipt-v1:" and
// the code's secret (docs/log-format.md).
export async function receiptCommitment(code: string): Promise<{ record: number; commitment: string }> {
  const clean = code.toUpperCase().replace(/[\s-]/g, "");
  const m = /^([0-9]+?)([0-9A-Z]{26})$/.exec(clean);
  if (!m) throw new ProofError("code", "not a receipt code");
  const crockford = m[2]!.replace(/O/g, "0").replace(/[IL]/g, "1");
  if (/[U]/.test(crockford)) throw new ProofError("code", "not a receipt code");
  return { record: Number(m[1]), commitment: hex(await sha256(enc.encode("amanat-receipt-v1:" + crockford))) };
}
