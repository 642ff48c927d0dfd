// Logging in: name, password and, when enrolled, the authenticator's code. A wrong password and
// a wrong code get one answer (the server's), so the form never tells which was wrong.
import { useState } from "preact/hooks";
import { useT } from "../common";
import type { Key } from "../i18n";
import { Outcome, Text, useSubmit } from "./forms";
import { login, type Session } from "./session";

export function LoginView(props: { org: string; notice?: Key; idleMinutes: number; onLogin: (s: Session) => void }) {
  const { t } = useT();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      props.onLogin(await login(props.org, name.trim(), password, totp.trim()));
      return null;
    });
  };
  return (
    <>
      <h1>{t("staff.login.heading")}</h1>
      {props.notice && <p class="notice" role="status">{t(props.notice, { minutes: props.idleMinutes })}</p>}
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("staff.login.name")} value={name} set={setName} autocomplete="username" maxLength={64} />
        <Text label={t("staff.login.password")} value={password} set={setPassword} type="password"
          autocomplete="current-password" maxLength={256} />
        <Text label={t("staff.login.totp")} value={totp} set={setTotp} optional inputMode="numeric"
          autocomplete="one-time-code" maxLength={8} hint={t("staff.login.totpHint")} />
        <button type="submit" disabled={state.saving}>
          {t("staff.login.button")}
        </button>
        <Outcome state={state} />
      </form>
      <p>
        <a href={`/${props.org}/`}>{t("staff.skipToPublic")}</a>
      </p>
    </>
  );
}
