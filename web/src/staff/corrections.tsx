// Corrections: a booked donation, expense or transfer is never changed or deleted; a correction
// reverses it with a public reason (accountant, director). Reached from a record's "correct"
// link (the record's number filled in) or typed.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { useT } from "../common";
import { today } from "../i18n/fmt";
import { DateField, Outcome, Text, useSubmit } from "./forms";
import { staffCall, type Session } from "./session";

export function CorrectionView(props: { session: Session; record?: string }) {
  const { t } = useT();
  const s = props.session;
  const [record, setRecord] = useState(props.record ?? "");
  const [reason, setReason] = useState("");
  const [date, setDate] = useState(today());
  const [confirmDate, setConfirmDate] = useState(false);
  const [recordError, setRecordError] = useState<string | undefined>();
  const [run, state] = useSubmit();
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => setRecord(props.record ?? ""), [props.record]);
  // After booking, the outcome takes the focus (its text is read out, the form is done with).
  useEffect(() => {
    if (state.ok || state.error) result.current?.focus();
  }, [state]);
  const submit = (e: Event) => {
    e.preventDefault();
    const n = /^\d{1,15}$/.test(record.trim()) ? Number(record.trim()) : undefined;
    setRecordError(n === undefined ? t("books.correct.recordInvalid") : undefined);
    if (n === undefined) return;
    run(async () => {
      const r = await staffCall<Schemas["RecordCreated"]>(s, "POST", "/corrections", {
        date, reverses: n, reason: reason.trim(), ...(confirmDate ? { confirm_date: true } : {}),
      });
      setReason("");
      return t("books.correct.booked", { n, m: r.record });
    });
  };
  return (
    <>
      <h1>{t("books.correct.heading")}</h1>
      <p>{t("books.correct.intro")}</p>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("books.correct.record")} value={record} set={setRecord} inputMode="numeric"
          hint={t("books.correct.recordHint")} error={recordError} maxLength={16} />
        <Text label={t("books.correct.reason")} value={reason} set={setReason} hint={t("books.publicHint")} maxLength={500} />
        <DateField date={date} setDate={setDate} confirm={confirmDate} setConfirm={setConfirmDate} />
        <button type="submit" disabled={state.saving}>
          {t("books.correct.submit")}
        </button>
        <div tabIndex={-1} ref={result}>
          <Outcome state={state} />
        </div>
      </form>
    </>
  );
}
