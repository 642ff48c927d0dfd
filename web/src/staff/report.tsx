// The report: the whole books' figures as they stand now, and publishing them (director,
// accountant) as a report record on the public log, which `amanat audit` checks against the
// records before it. After publishing: the record's number, what it covers, and the log's
// signed checkpoint once it includes it.
import { useEffect, useRef } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Fig, Loading, useData, useT } from "../common";
import { money, number } from "../i18n/fmt";
import { Outcome, useSubmit } from "./forms";
import { may, staffCall, type Session } from "./session";

// The log's latest signed checkpoint (C2SP signed note): its text and tree size.
async function checkpoint(org: string): Promise<{ text: string; size: number } | undefined> {
  const r = await fetch(`/log/${encodeURIComponent(org)}/checkpoint`, { cache: "no-store" });
  if (!r.ok) return undefined;
  const text = await r.text();
  return { text, size: Number(text.split("\n")[1] ?? "0") };
}

export function ReportView(props: { session: Session }) {
  const { t, lang } = useT();
  const s = props.session;
  const [report, error, reload] = useData(() => staffCall<Schemas["Report"]>(s, "GET", "/report"), [s.org]);
  const [run, state] = useSubmit();
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.ok || state.error) result.current?.focus();
  }, [state]);
  if (error) return <ErrorBox error={error} />;
  if (!report) return <Loading />;
  const o = report.organisation_statement;
  const cur = report.currency;
  const publish = () =>
    run(async () => {
      const r = await staffCall<Schemas["ReportPublished"]>(s, "POST", "/reports", {});
      reload();
      // The checkpoint is signed a moment after the record is sequenced: wait a little for it.
      let cp = await checkpoint(s.org).catch(() => undefined);
      for (let i = 0; i < 10 && cp && cp.size <= r.record; i++) {
        await new Promise((ok) => setTimeout(ok, 500));
        cp = await checkpoint(s.org).catch(() => undefined);
      }
      return (
        <>
          <p>{t("books.report.published", { n: r.record, m: number(lang, r.covers_records) })}</p>
          {cp && cp.size > r.record ? (
            <>
              <p>{t("books.report.checkpoint", { n: number(lang, cp.size) })}</p>
              <details>
                <summary>{t("checkpoint.signed")}</summary>
                <pre>{cp.text}</pre>
              </details>
            </>
          ) : (
            <p>{t("books.report.pending")}</p>
          )}
        </>
      );
    });
  return (
    <>
      <h1>{t("books.report.heading")}</h1>
      <p>{t("books.report.intro")}</p>
      <section aria-labelledby="now">
        <h2 id="now">{t("books.report.now")}</h2>
        <p>{t("books.report.covers", { n: number(lang, report.log_size) })}</p>
        <dl class="stats exact">
          {Fig(t("stats.donations"), number(lang, o.donations))}
          {Fig(t("stats.donors"), number(lang, o.donors))}
          {Fig(t("books.report.incomeRestricted"), money(lang, o.income_restricted, cur))}
          {Fig(t("books.report.incomeUnrestricted"), money(lang, o.income_unrestricted, cur))}
          {Fig(t("books.report.expenses"), money(lang, o.expenses_total, cur))}
          {Fig(t("books.report.restricted"), money(lang, o.restricted_net_assets, cur))}
          {Fig(t("books.report.unrestricted"), money(lang, o.unrestricted_net_assets, cur))}
        </dl>
      </section>
      {may.publish(s.user.role) && (
        <section class="panel" aria-labelledby="pub">
          <h2 id="pub">{t("books.report.publish")}</h2>
          <p>{t("books.report.publishHint")}</p>
          <button type="button" onClick={publish} disabled={state.saving}>
            {t("books.report.publish")}
          </button>
          <div tabIndex={-1} ref={result}>
            <Outcome state={state} />
          </div>
        </section>
      )}
    </>
  );
}
