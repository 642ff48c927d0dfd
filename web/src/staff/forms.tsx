// Form pieces of the staff's screens: a labelled field with its hint and its error (tied to the
// input for screen readers), and a submit helper that shows "saving", then the server's answer
// in the reader's language, and never loses what was typed on an error.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError, type Schemas } from "../api/client";
import { errorText, useT } from "../common";
import type { Key } from "../i18n";
import { minorDigits, parseAmount } from "../i18n/fmt";

let ids = 0;
export function Field(props: {
  label: string;
  hint?: string;
  error?: string;
  optional?: boolean;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}) {
  const { t } = useT();
  const [id] = useState(() => `f${++ids}`);
  const described = [props.hint ? id + "-hint" : "", props.error ? id + "-error" : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {props.optional && <span class="opt"> ({t("staff.form.optional")})</span>}
      </label>
      {props.children(id, described)}
      {props.hint && (
        <p class="hint" id={id + "-hint"}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={id + "-error"}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Text(props: {
  label: string;
  value: string;
  set: (v: string) => void;
  hint?: string;
  error?: string;
  optional?: boolean;
  type?: string;
  autocomplete?: string;
  inputMode?: "numeric" | "decimal" | "text";
  maxLength?: number;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error} optional={props.optional}>
      {(id, described) => (
        <input
          id={id}
          type={props.type ?? "text"}
          value={props.value}
          required={!props.optional}
          autocomplete={props.autocomplete ?? "off"}
          inputMode={props.inputMode}
          maxLength={props.maxLength}
          aria-describedby={described}
          aria-invalid={props.error ? true : undefined}
          onInput={(e) => props.set((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

export function Choice(props: { label: string; value: string; set: (v: string) => void; options: [string, string][] }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.set((e.currentTarget as HTMLSelectElement).value)}>
          {props.options.map(([v, label]) => (
            <option value={v} key={v}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

// [run, state]: run(fn) shows "saving" while fn runs, then its message or the error's.
export function useSubmit() {
  const { lang } = useT();
  const [state, setState] = useState<{ saving: boolean; error?: string; field?: string; ok?: ComponentChildren }>({
    saving: false,
  });
  const run = async (fn: () => Promise<ComponentChildren>) => {
    setState({ saving: true });
    try {
      setState({ saving: false, ok: await fn() });
    } catch (e) {
      const status = (e as { status?: number }).status;
      const err = e instanceof ApiError ? e : new ApiError(status ?? -1, (e as { reason?: string }).reason);
      setState({ saving: false, error: errorText(lang, err) });
    }
  };
  return [run, state] as const;
}

export function Outcome(props: { state: { saving: boolean; error?: string; ok?: ComponentChildren } }) {
  const { t } = useT();
  return (
    <div aria-live="polite">
      {props.state.saving && <p class="loading">{t("staff.form.saving")}</p>}
      {props.state.error && (
        <p class="error" role="alert">
          {props.state.error}
        </p>
      )}
      {props.state.ok && <div class="done">{props.state.ok}</div>}
    </div>
  );
}

// A date with the confirmation the books ask for when it is far from today (date-far).
export function DateField(props: { date: string; setDate: (d: string) => void; confirm: boolean; setConfirm: (c: boolean) => void }) {
  const { t } = useT();
  return (
    <>
      <Field label={t("staff.form.date")}>
        {(id) => (
          <input id={id} type="date" value={props.date} required
            onInput={(e) => props.setDate((e.currentTarget as HTMLInputElement).value)} />
        )}
      </Field>
      <label class="check">
        <input type="checkbox" checked={props.confirm} onChange={(e) => props.setConfirm((e.currentTarget as HTMLInputElement).checked)} />{" "}
        {t("staff.form.confirmDate")}
      </label>
    </>
  );
}

// A fund's choice and an amount in its currency, as the donation, expense and transfer forms ask
// for them: the amount is typed as text and checked against the fund's currency on submit.
export type Funds = Schemas["Report"]["funds"];

export function fundOptions(t: (k: Key) => string, funds: Funds): [string, string][] {
  return funds.map((f) => [f.fund, f.restricted ? `${f.fund} · ${f.title}` : t("appeal.general")]);
}

export function useAmount() {
  const { t } = useT();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>();
  // The amount in minor units of `currency`, or undefined (and the field says why).
  const check = (currency: string) => {
    const minor = parseAmount(text, currency);
    setError(minor ? undefined : t("staff.form.amountInvalid", { digits: minorDigits(currency) }));
    return minor;
  };
  return { text, setText, error, check };
}
export type Amount = ReturnType<typeof useAmount>;

export function FundAmount(props: { funds: Funds; fund: string; setFund: (f: string) => void; amount: Amount; label?: string }) {
  const { t } = useT();
  const currency = currencyOf(props.funds, props.fund);
  return (
    <>
      <Choice label={props.label ?? t("staff.form.fund")} value={props.fund} set={props.setFund} options={fundOptions(t, props.funds)} />
      <Text label={`${t("staff.form.amount")} (${currency})`} value={props.amount.text} set={props.amount.setText} inputMode="decimal"
        hint={t("staff.form.amountHint")} error={props.amount.error} />
    </>
  );
}

export const currencyOf = (funds: Funds, fund: string) => funds.find((f) => f.fund === fund)?.currency ?? "KZT";
