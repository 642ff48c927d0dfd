// The signed checkpoint the figures belong to, and how to check it with any tlog verifier.
import { api } from "../api/client";
import { number } from "../i18n/fmt";
import { useData, useT } from "./ui";

export function CheckpointBox(props: { org: string; size: number }) {
  const { t, lang } = useT();
  const [data] = useData(
    () =>
      Promise.all([
        api.org(props.org),
        fetch(`/log/${encodeURIComponent(props.org)}/checkpoint`).then((r) => (r.ok ? r.text() : "")),
      ]),
    [props.org],
  );
  const logUrl = data ? new URL(data[0].log, location.href).href : "";
  return (
    <section class="checkpoint" aria-labelledby="cp">
      <h2 id="cp">{t("checkpoint.heading")}</h2>
      <p>{t("checkpoint.covers", { n: number(lang, props.size) })}</p>
      {data && (
        <>
          <p>{t("checkpoint.how")}</p>
          <dl class="keys">
            <div>
              <dt>{t("checkpoint.log")}</dt>
              <dd>
                <a href={logUrl}>{logUrl}</a>
              </dd>
            </div>
            <div>
              <dt>{t("checkpoint.key")}</dt>
              <dd>
                <code>{data[0].verifier_key}</code>
              </dd>
            </div>
          </dl>
          {data[1] && (
            <details>
              <summary>{t("checkpoint.signed")}</summary>
              <pre>{data[1]}</pre>
            </details>
          )}
        </>
      )}
    </section>
  );
}
