// One's own account: change the password (the old one first), and set up the authenticator app
// with a QR code (the password, and the current code when one is enrolled, come first). A
// director or admin who has none is sent here before anything else.
import { useState } from "preact/hooks";
import { renderSVG } from "uqr";
import { useT } from "../common";
import { Outcome, Text, useSubmit } from "./forms";
import { staffCall, type Session } from "./session";
import type { Schemas } from "../api/client";

export function AccountView(props: { session: Session; onEnrolled?: () => void }) {
  const { t } = useT();
  const s = props.session;
  return (
    <>
      <h1>{t("staff.account.heading")}</h1>
      {s.needsTotp && (
        <p class="notice" role="status">
          {t("staff.account.totpRequired")}
        </p>
      )}
      <Totp session={s} onEnrolled={props.onEnrolled} />
      {!s.needsTotp && <Password session={s} />}
    </>
  );
}

function Password(props: { session: Session }) {
  const { t } = useT();
  const [old, setOld] = useState("");
  const [pw, setPw] = useState("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", "/me/password", { old_password: old, password: pw });
      setOld("");
      setPw("");
      return t("staff.account.changed");
    });
  };
  return (
    <section aria-labelledby="pw">
      <h2 id="pw">{t("staff.account.password")}</h2>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("staff.account.old")} value={old} set={setOld} type="password" autocomplete="current-password" />
        <Text label={t("staff.account.new")} value={pw} set={setPw} type="password" autocomplete="new-password"
          hint={t("staff.account.newHint")} />
        <button type="submit" disabled={state.saving}>
          {t("staff.account.save")}
        </button>
        <Outcome state={state} />
      </form>
    </section>
  );
}

function Totp(props: { session: Session; onEnrolled?: () => void }) {
  const { t } = useT();
  const s = props.session;
  const [password, setPassword] = useState("");
  const [current, setCurrent] = useState("");
  const [uri, setUri] = useState<string | undefined>();
  const [code, setCode] = useState("");
  const [done, setDone] = useState(false);
  const [begin, beginState] = useSubmit();
  const [confirm, confirmState] = useSubmit();
  const enrolled = s.user.totp && !done;
  const start = (e: Event) => {
    e.preventDefault();
    begin(async () => {
      const r = await staffCall<Schemas["TotpEnrolment"]>(s, "POST", "/me/totp", {
        password,
        ...(s.user.totp ? { code: current.trim() } : {}),
      });
      setUri(r.otpauth_uri);
      setPassword("");
      return null;
    });
  };
  const finish = (e: Event) => {
    e.preventDefault();
    confirm(async () => {
      await staffCall(s, "POST", "/me/totp/confirm", { code: code.trim() });
      setDone(true);
      setUri(undefined);
      props.onEnrolled?.();
      return t("staff.account.totpOk");
    });
  };
  const secret = uri ? new URL(uri).searchParams.get("secret") ?? "" : "";
  return (
    <section aria-labelledby="totp">
      <h2 id="totp">{t("staff.account.totp")}</h2>
      <p>{enrolled || done ? t("staff.account.totpEnrolled") : t("staff.account.totpNone")}</p>
      {!uri && (
        <form class="stack narrow" onSubmit={start}>
          <Text label={t("staff.account.totpPassword")} value={password} set={setPassword} type="password"
            autocomplete="current-password" />
          {s.user.totp && (
            <Text label={t("staff.account.totpCurrent")} value={current} set={setCurrent} inputMode="numeric"
              autocomplete="one-time-code" maxLength={8} />
          )}
          <button type="submit" disabled={beginState.saving}>
            {t("staff.account.totpBegin")}
          </button>
          <Outcome state={beginState} />
        </form>
      )}
      {uri && (
        <form class="stack narrow" onSubmit={finish}>
          <p>{t("staff.account.totpScan")}</p>
          <img class="qr" alt={t("staff.account.qr")} width={240} height={240}
            src={"data:image/svg+xml;charset=utf-8," + encodeURIComponent(renderSVG(uri, { border: 2 }))} />
          <p>
            {t("staff.account.totpSecret")} <code class="secret">{secret}</code>
          </p>
          <Text label={t("staff.account.totpCode")} value={code} set={setCode} inputMode="numeric"
            autocomplete="one-time-code" maxLength={8} />
          <button type="submit" disabled={confirmState.saving}>
            {t("staff.account.totpConfirm")}
          </button>
        </form>
      )}
      <Outcome state={confirmState} />
    </section>
  );
}
