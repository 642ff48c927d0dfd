// Appeals: every fund with its figures (from the report), opening an appeal, closing and
// reopening one. Who may open (director, accountant, communications) and who may close
// (director, accountant) see those forms; others see the figures only.
import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import { money, parseAmount, today, minorDigits } from "../i18n/fmt";
import { Field, Outcome, Text, useSubmit } from "./forms";
import { may, staffCall, type Session } from "./session";

export function AppealsView(props: { session: Session }) {
  const { t, lang } = useT();
  const s = props.session;
  const [report, error, reload] = useData(() => staffCall<Schemas["Report"]>(s, "GET", "/report"), [s.org]);  // fresh, not the public cache
  const [run, state] = useSubmit();
  if (error) return <ErrorBox error={error} />;
  if (!report) return <Loading />;
  const setOpen = (code: string, open: boolean) =>
    run(async () => {
      await staffCall(s, "POST", `/appeals/${encodeURIComponent(code)}/status`, { open, date: today() });
      reload();
      return t("staff.appeals.changed", { code, status: t(open ? "appeal.open" : "appeal.closed") });
    });
  return (
    <>
      <h1>{t("staff.appeals.heading")}</h1>
      {may.openAppeal(s.user.role) && <OpenAppeal session={s} currency={report.currency} onOpened={reload} />}
      <Outcome state={state} />
      <div class="scroll" tabIndex={0} role="region" aria-label={t("staff.appeals.heading")}>
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">{t("staff.appeals.code")}</th>
              <th scope="col">{t("staff.appeals.title")}</th>
              <th scope="col">{t("appeal.raised")}</th>
              <th scope="col">{t("appeal.spent")}</th>
              <th scope="col">{t("appeal.balance")}</th>
              <th scope="col">{t("staff.appeals.target")}</th>
              <th scope="col">{t("appeal.open")}</th>
            </tr>
          </thead>
          <tbody>
            {report.funds.map((f) => (
              <tr key={f.fund}>
                <td data-label={t("staff.appeals.code")}>{f.fund}</td>
                <td data-label={t("staff.appeals.title")}>{f.restricted ? f.title : t("appeal.general")}</td>
                <td class="num" data-label={t("appeal.raised")}>{money(lang, f.raised, f.currency)}</td>
                <td class="num" data-label={t("appeal.spent")}>{money(lang, f.spent, f.currency)}</td>
                <td class="num" data-label={t("appeal.balance")}>{money(lang, f.balance, f.currency)}</td>
                <td class="num" data-label={t("staff.appeals.target")}>
                  {f.restricted ? money(lang, f.target ?? 0, f.currency) : "—"}
                </td>
                <td data-label={t("appeal.open")}>
                  {t(f.status === "open" ? "appeal.open" : "appeal.closed")}
                  {f.restricted && may.appealStatus(s.user.role) && (
                    <>
                      {" "}
                      <button type="button" class="small" onClick={() => setOpen(f.fund, f.status !== "open")}>
                        {t(f.status === "open" ? "staff.appeals.close" : "staff.appeals.reopen")}
                        <span class="sr-only"> {f.fund}</span>
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function OpenAppeal(props: { session: Session; currency: string; onOpened: () => void }) {
  const { t } = useT();
  const [code, setCode] = useState("");
  const [title, setTitle] = useState("");
  const [caseCode, setCase] = useState("");
  const [target, setTarget] = useState("");
  const [date, setDate] = useState(today());
  const [amountError, setAmountError] = useState<string | undefined>();
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const minor = parseAmount(target, props.currency);
    setAmountError(minor ? undefined : t("staff.form.amountInvalid", { digits: minorDigits(props.currency) }));
    if (!minor) return;
    run(async () => {
      await staffCall(props.session, "POST", "/appeals", {
        code: code.trim(), title: title.trim(), target: minor, currency: props.currency, date,
        ...(caseCode.trim() ? { case: caseCode.trim() } : {}),
      });
      props.onOpened();
      const opened = code.trim();
      setCode(""), setTitle(""), setCase(""), setTarget("");
      return t("staff.appeals.opened", { code: opened });
    });
  };
  return (
    <details class="panel">
      <summary>{t("staff.appeals.open")}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("staff.appeals.code")} value={code} set={setCode} hint={t("staff.appeals.codeHint")} maxLength={32} />
        <Text label={t("staff.appeals.title")} value={title} set={setTitle} hint={t("staff.appeals.titleHint")} maxLength={200} />
        <Text label={t("staff.appeals.case")} value={caseCode} set={setCase} hint={t("staff.appeals.caseHint")} optional maxLength={32} />
        <Text label={`${t("staff.appeals.target")} (${props.currency})`} value={target} set={setTarget}
          inputMode="decimal" hint={t("staff.form.amountHint")} error={amountError} />
        <Field label={t("staff.form.date")}>
          {(id) => <input id={id} type="date" value={date} required onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <button type="submit" disabled={state.saving}>
          {t("staff.appeals.submit")}
        </button>
        <Outcome state={state} />
      </form>
    </details>
  );
}
