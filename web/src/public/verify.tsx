// "Verify my donation": the donor types their receipt code; the page fetches the proof and checks
// it here, trusting nothing but the log's key, and shows a plain checklist of what it checked.
// A failure is loud and says what failed. The checkpoint seen is remembered in this browser, and
// a later one must extend it (checked against the log's tiles). `?crypto=noble` forces the
// fallback Ed25519 library, `?crypto=webcrypto` the browser's own (for tests).
import { useState } from "preact/hooks";
import { api, ApiError } from "../api/client";
import { problemText, type Key } from "../i18n";
import { date, money, number } from "../i18n/fmt";
import {
  b64decode,
  b64encode,
  parseProof,
  parseVerifierKey,
  ProofError,
  receiptCommitment,
  TileReader,
  verifyCheckpoint,
  verifyExtends,
  verifyInclusion,
  type Bytes,
  type Ed25519Engine,
} from "../verify/tlog";
import { useT } from "./ui";

interface Check {
  key: Key;
  vars: Record<string, string | number>;
}
interface Donation {
  amount: number;
  currency: string;
  date: string;
  fund: string;
  channel: string;
}
type Outcome =
  | { state: "idle" }
  | { state: "checking" }
  | { state: "ok"; checks: Check[]; donation: Donation; proof: string; record: number; reversedBy?: number }
  | { state: "failed"; checks: Check[]; why: string; problem?: string };

// A failure of what the donor typed or of the server's answer, not of the proof's checks.
const inputProblem = (o: { why: string; problem?: string }) =>
  o.problem !== undefined || o.why === "code" || o.why === "unknown" || o.why === "network";

const seenKey = (origin: string) => `amanat.checkpoint.${origin}`;

function remembered(origin: string): { size: number; root: Bytes } | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(seenKey(origin)) ?? "null") as { size: number; root: string } | null;
    return v ? { size: v.size, root: b64decode(v.root) } : undefined;
  } catch {
    return undefined;
  }
}

function remember(origin: string, size: number, root: Bytes) {
  try {
    localStorage.setItem(seenKey(origin), JSON.stringify({ size, root: b64encode(root) }));
  } catch {
    // private mode: nothing is remembered
  }
}

async function check(org: string, code: string, checks: Check[], force?: Ed25519Engine) {
  const { record, commitment } = await receiptCommitment(code);
  const [info, got] = await Promise.all([api.org(org), api.proof(org, code)]);
  const vk = await parseVerifierKey(info.verifier_key);
  checks.push({ key: "verify.checkKey", vars: { key: info.verifier_key } });
  const proof = parseProof(got.proof);
  const cp = proof.checkpoint;
  const engine = await verifyCheckpoint(cp, vk, force);
  checks.push({
    key: "verify.checkSignature",
    vars: { engine: engine === "noble" ? "@noble" : "webcrypto" },
  });
  await verifyInclusion(proof);
  checks.push({ key: "verify.checkInclusion", vars: { index: proof.index, size: cp.size } });
  if (proof.index !== record) throw new ProofError("index", "the proof is of another record");
  let leaf: { receipt?: string } & Partial<Donation>;
  try {
    leaf = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(proof.extra));
  } catch {
    throw new ProofError("malformed", "the record is not JSON");
  }
  if (leaf.receipt !== commitment) throw new ProofError("receipt", "the record commits to another receipt code");
  checks.push({ key: "verify.checkReceipt", vars: {} });
  const before = remembered(cp.origin);
  if (before) {
    await verifyExtends(before, cp, new TileReader(new URL(info.log, location.href).href, cp.size));
    checks.push({ key: "verify.checkExtends", vars: { before: before.size } });
  } else {
    checks.push({ key: "verify.checkFirst", vars: { size: cp.size } });
  }
  if (!before || cp.size > before.size) remember(cp.origin, cp.size, cp.root);
  return {
    donation: {
      amount: leaf.amount ?? 0,
      currency: leaf.currency ?? "",
      date: leaf.date ?? "",
      fund: leaf.fund ?? "",
      channel: leaf.channel ?? "",
    },
    proof: got.proof,
    record: got.record,
    reversedBy: got.reversed_by,
  };
}

// What passed, in the order it was checked.
function Checklist(props: { checks: Check[]; text: (c: Check) => string }) {
  const { t } = useT();
  return (
    <>
      <h3>{t("verify.checks")}</h3>
      <ul class="checks">
        {props.checks.map((c) => (
          <li class="pass" key={c.key}>
            {props.text(c)}
          </li>
        ))}
      </ul>
    </>
  );
}

export function VerifyView(props: { org: string }) {
  const { t, lang } = useT();
  const [code, setCode] = useState("");
  const [out, setOut] = useState<Outcome>({ state: "idle" });
  const force = new URLSearchParams(location.search).get("crypto") as Ed25519Engine | null;

  const submit = async (e: Event) => {
    e.preventDefault();
    setOut({ state: "checking" });
    const checks: Check[] = [];
    try {
      const r = await check(props.org, code.trim(), checks, force ?? undefined);
      setOut({ state: "ok", checks, ...r });
    } catch (err) {
      if (err instanceof ProofError) setOut({ state: "failed", checks, why: err.code });
      else if (err instanceof ApiError && err.status === 404) setOut({ state: "failed", checks, why: "unknown" });
      else if (err instanceof ApiError)
        setOut({ state: "failed", checks, why: err.status === 0 ? "network" : "", problem: problemText(lang, err.reason, err.status) });
      else {
        // Not a check that failed but the checking itself (a browser without Web Crypto, say):
        // still a failure, never a pass.
        console.error("verify:", err);
        setOut({ state: "failed", checks, why: "unexpected" });
      }
    }
  };
  const engineName = (v: string | number) => (v === "@noble" ? t("verify.engineNoble") : t("verify.engineWebcrypto"));
  const checkText = (c: Check) =>
    t(c.key, c.key === "verify.checkSignature" ? { engine: engineName(c.vars.engine ?? "") } : c.vars);

  return (
    <>
      <h1>{t("verify.heading")}</h1>
      <p>{t("verify.intro")}</p>
      <form class="verify" onSubmit={submit}>
        <label for="receipt">{t("verify.label")}</label>
        <input
          id="receipt"
          name="receipt"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          required
          maxLength={80}
          aria-describedby="receipt-hint"
          value={code}
          onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
        />
        <p id="receipt-hint" class="hint">
          {t("verify.hint")}
        </p>
        <button type="submit" disabled={out.state === "checking"}>
          {out.state === "checking" ? t("verify.checking") : t("verify.button")}
        </button>
      </form>
      <div aria-live="polite">
        {out.state === "ok" && (
          <section class="result ok" aria-labelledby="result">
            <h2 id="result">✓ {t("verify.ok")}</h2>
            <Checklist checks={out.checks} text={checkText} />
            <h3>{t("verify.donation")}</h3>
            <dl class="figures">
              <div>
                <dt>{t("verify.amount")}</dt>
                <dd>{money(lang, out.donation.amount, out.donation.currency)}</dd>
              </div>
              <div>
                <dt>{t("verify.date")}</dt>
                <dd>{date(lang, out.donation.date)}</dd>
              </div>
              <div>
                <dt>{t("verify.fund")}</dt>
                <dd>{out.donation.fund === "general" ? t("appeal.general") : out.donation.fund}</dd>
              </div>
              <div>
                <dt>{t("appeal.record")}</dt>
                <dd>{number(lang, out.record)}</dd>
              </div>
            </dl>
            {out.reversedBy !== undefined && <p class="warn">{t("verify.reversed", { n: out.reversedBy })}</p>}
            <p>
              <a
                class="button"
                download={`donation-${out.record}.tlog-proof`}
                href={URL.createObjectURL(new Blob([out.proof], { type: "text/plain" }))}
              >
                {t("verify.download")}
              </a>
            </p>
            <p class="hint">{t("verify.offline")}</p>
          </section>
        )}
        {out.state === "failed" && (
          <section class="result failed" role="alert" aria-labelledby="result">
            {inputProblem(out) ? (
              <h2 id="result">✗ {out.problem ?? t(`verify.why.${out.why}` as Key)}</h2>
            ) : (
              <>
                <h2 id="result">✗ {t("verify.failed")}</h2>
                <p class="why">{t(`verify.why.${out.why}` as Key)}</p>
                <p>{t("verify.failedHelp")}</p>
              </>
            )}
            {out.checks.length > 0 && <Checklist checks={out.checks} text={checkText} />}
          </section>
        )}
      </div>
    </>
  );
}
