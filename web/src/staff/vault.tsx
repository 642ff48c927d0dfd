// The vault (directors and admins): whether it is set up and sealed; unsealing it with the
// passphrase or with one director's Shamir share at a time (the server says how many more it
// needs), and sealing it at once (asked twice, as it stops the work that needs a survivor's
// identity, a payee, a receipt file).
import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import { Outcome, Text, useSubmit } from "./forms";
import { staffCall, type Session } from "./session";
import { TwoStep } from "./users";

export function VaultView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const [state, error, reload] = useData(() => staffCall<Schemas["VaultState"]>(s, "GET", "/vault"), [s.org]);
  const [passphrase, setPassphrase] = useState("");
  const [share, setShare] = useState("");
  const [asking, setAsking] = useState(false);
  const [run, outcome] = useSubmit();
  const answer = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome.ok || outcome.error) answer.current?.focus();
  }, [outcome]);
  if (error) return <ErrorBox error={error} />;
  if (!state) return <Loading />;
  const unseal = (body: Schemas["Unseal"], clear: () => void) =>
    run(async () => {
      const r = await staffCall<Schemas["Unsealed"]>(s, "POST", "/vault/unseal", body);
      clear();
      reload();
      if (!r.sealed) return t("admin.vault.unsealedNow");
      const n = r.shares_needed ?? 1;
      return t("admin.vault.shareTaken", { n }, n);
    });
  const submitPassphrase = (e: Event) => {
    e.preventDefault();
    unseal({ passphrase }, () => setPassphrase(""));
  };
  const submitShare = (e: Event) => {
    e.preventDefault();
    unseal({ share: share.trim() }, () => setShare(""));
  };
  const seal = () =>
    run(async () => {
      await staffCall(s, "POST", "/vault/seal");
      setAsking(false);
      reload();
      return t("admin.vault.sealedNow");
    });
  const status = !state.vault ? "none" : state.sealed ? "sealed" : "unsealed";
  return (
    <>
      <h1>{t("admin.vault.heading")}</h1>
      <div class={`verdict ${status === "unsealed" ? "ok" : status === "sealed" ? "bad" : ""}`}>
        <h2>{t(`admin.vault.${status}`)}</h2>
        <p>{t(`admin.vault.${status}About`)}</p>
      </div>
      <div ref={answer} tabIndex={-1} class="answer">
        <Outcome state={outcome} />
      </div>
      {state.vault && state.sealed && (
        <>
          {state.passphrase !== false && (
          <section aria-labelledby="by-pass">
            <h2 id="by-pass">{t("admin.vault.byPassphrase")}</h2>
            <form class="stack narrow" onSubmit={submitPassphrase}>
              <Text label={t("admin.vault.passphrase")} value={passphrase} set={setPassphrase} type="password" maxLength={1024} />
              <button type="submit" disabled={outcome.saving}>
                {t("admin.vault.unseal")}
              </button>
            </form>
          </section>
          )}
          {state.shares && (
          <section aria-labelledby="by-share">
            <h2 id="by-share">{t("admin.vault.byShare")}</h2>
            <p>{t("admin.vault.shareAbout")}</p>
            <p>{t("admin.vault.sharesProgress", { given: state.shares.given, k: state.shares.k, n: state.shares.n })}</p>
            <form class="stack narrow" onSubmit={submitShare}>
              <Text label={t("admin.vault.share")} value={share} set={setShare} type="password" hint={t("admin.vault.shareHint")}
                maxLength={300} />
              <button type="submit" disabled={outcome.saving}>
                {t("admin.vault.addShare")}
              </button>
            </form>
          </section>
          )}
        </>
      )}
      {state.vault && !state.sealed && (
        <section aria-labelledby="seal">
          <h2 id="seal">{t("admin.vault.seal")}</h2>
          <p>{t("admin.vault.sealAbout")}</p>
          <TwoStep label={t("admin.vault.seal")} question={t("admin.vault.sealAsk")} open={asking} setOpen={setAsking}
            busy={outcome.saving} onYes={seal} />
        </section>
      )}
    </>
  );
}
