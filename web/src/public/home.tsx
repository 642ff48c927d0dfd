// An organisation's public front page: its figures at a glance, every appeal with its progress,
// and how to check the figures against the signed log.
import { api, type Fund } from "../api/client";
import { money, number, percent } from "../i18n/fmt";
import { CheckpointBox } from "./checkpoint";
import { ErrorBox, Loading, useData, useT } from "./ui";

export function Home(props: { org: string }) {
  const { t, lang } = useT();
  const [data, error] = useData(
    () => Promise.all([api.statistics(props.org), api.report(props.org)]),
    [props.org],
  );
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const [stats, report] = data;
  const appeals = report.funds.filter((f) => f.restricted).reverse();  // newest codes first
  const general = report.funds.find((f) => !f.restricted);
  return (
    <>
      <h1>{report.organisation}</h1>
      <section aria-labelledby="glance">
        <h2 id="glance">{t("stats.heading")}</h2>
        <dl class="stats">
          <div>
            <dt>{t("stats.raised")}</dt>
            <dd>{money(lang, stats.raised, stats.currency, "round")}</dd>
          </div>
          <div>
            <dt>{t("stats.spent")}</dt>
            <dd>{money(lang, stats.spent, stats.currency, "round")}</dd>
          </div>
          <div>
            <dt>{t("stats.donations")}</dt>
            <dd>{number(lang, stats.donations)}</dd>
          </div>
          <div>
            <dt>{t("stats.donors")}</dt>
            <dd>{number(lang, stats.unique_donors)}</dd>
          </div>
          <div>
            <dt>{t("stats.appeals")}</dt>
            <dd>{number(lang, stats.appeals)}</dd>
          </div>
          <div>
            <dt>{t("stats.open")}</dt>
            <dd>{number(lang, stats.open_appeals)}</dd>
          </div>
        </dl>
        <p class="more-links">
          <a href={`/${props.org}/impact`}>{t("impact.link")}</a> · <a href={`/${props.org}/publications`}>{t("pubs.link")}</a> · <a href={`/${props.org}/help`}>{t("help.link")}</a>
        </p>
      </section>
      <section aria-labelledby="appeals">
        <h2 id="appeals">{t("appeal.heading")}</h2>
        <ul class="appeals">
          {appeals.map((f) => (
            <AppealCard org={props.org} fund={f} key={f.fund} />
          ))}
          {general && <AppealCard org={props.org} fund={general} />}
        </ul>
      </section>
      <CheckpointBox org={props.org} size={report.log_size} />
    </>
  );
}

function AppealCard(props: { org: string; fund: Fund }) {
  const { t, lang } = useT();
  const f = props.fund;
  const target = f.target ?? 0;
  const ratio = target > 0 ? f.raised / target : 0;
  const title = f.restricted ? f.title : t("appeal.general");
  return (
    <li class="card">
      <h3>
        <a href={`/${props.org}/appeals/${encodeURIComponent(f.fund)}`}>{title}</a>
      </h3>
      <p class="meta">
        <span class={`status ${f.status}`}>{t(f.status === "open" ? "appeal.open" : "appeal.closed")}</span>
        {f.restricted && <span> · {f.fund}</span>}
      </p>
      {target > 0 && (
        <div class="progress">
          <div class="track" aria-hidden="true">
            <div class="fill" style={{ width: `${Math.min(100, ratio * 100).toFixed(1)}%` }} />
          </div>
          <p>
            {money(lang, f.raised, f.currency, true)} · {t("appeal.ofTarget", { pct: percent(lang, ratio) })} (
            {money(lang, target, f.currency, true)})
          </p>
        </div>
      )}
      <dl class="figures">
        {target === 0 && (
          <div>
            <dt>{t("appeal.raised")}</dt>
            <dd>{money(lang, f.raised, f.currency, true)}</dd>
          </div>
        )}
        <div>
          <dt>{t("appeal.spent")}</dt>
          <dd>{money(lang, f.spent, f.currency, true)}</dd>
        </div>
        <div>
          <dt>{t("appeal.balance")}</dt>
          <dd>{money(lang, f.balance, f.currency, true)}</dd>
        </div>
      </dl>
      <p class="meta">
        {t("appeal.donationsCount", { n: number(lang, f.donations) }, f.donations)}{" "}
        {t("appeal.donorsCount", { n: number(lang, f.donors) }, f.donors)}
      </p>
    </li>
  );
}
