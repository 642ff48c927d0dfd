// The organisation's posts and what happened to them (GET /publications, public): each post's
// channel, address and when it went up, the SHA-256 it committed to its exact text on the log,
// and its history (corrected, disclaimer added, archived, retracted) with the log entries, so
// that anyone who kept a copy can check what was said and when it came down.
import { useEffect, useState } from "preact/hooks";
import { call, type Schemas } from "../api/client";
import { ErrorBox, Loading, useT } from "../common";
import { dateTime } from "../i18n/fmt";

type Page = Schemas["PublicationPage"];

export function PublicationsView(props: { org: string }) {
  const { t, lang } = useT();
  const [pages, setPages] = useState<Page[]>([]);
  const [error, setError] = useState<unknown>();
  const load = (before?: number) =>
    call<Page>(`/orgs/${encodeURIComponent(props.org)}/publications?limit=25${before ? `&before=${before}` : ""}`).then(
      (p) => setPages((ps) => (before ? [...ps, p] : [p])),
      setError,
    );
  useEffect(() => {
    setPages([]);
    load();
  }, [props.org]);
  useEffect(() => {
    document.title = `${t("pubs.heading")} · ${t("site.title")}`;
  }, [t("pubs.heading")]);
  const posts = pages.flatMap((p) => p.publications);
  const next = pages[pages.length - 1]?.next;
  return (
    <>
      <h1>{t("pubs.heading")}</h1>
      <p>{t("pubs.intro")}</p>
      <p class="note">{t("pubs.check")}</p>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : posts.length === 0 ? <p>{t("pubs.none")}</p> : (
        <ul class="posts">
          {posts.map((p) => {
            const retracted = p.changes.some((c) => c.kind === "retraction");
            return (
              <li key={p.log_index} class="card post">
                <h2>
                  {t(`pubs.channel.${p.channel as "other"}`)}
                  {retracted && <> <span class="badge late">{t("pubs.kind.retraction")}</span></>}
                </h2>
                <p class="url"><a href={p.url} rel="noopener noreferrer">{p.url}</a></p>
                <p>{t("pubs.wentUp", { date: dateTime(lang, p.posted) })} · {t("pubs.entry", { n: p.log_index })}</p>
                <p class="hash"><span class="muted">{t("pubs.commitment")}:</span> <code>{p.commitment}</code></p>
                {p.changes.length > 0 && (
                  <>
                    <h3>{t("pubs.history")}</h3>
                    <ol class="changes">
                      {p.changes.map((c) => (
                        <li key={c.log_index}>
                          {t(`pubs.change.${c.kind as "correction"}`, { date: dateTime(lang, c.at) })} · {t("pubs.entry", { n: c.log_index })}
                          {c.commitment && <div class="hash"><span class="muted">{t("pubs.changeCommitment")}:</span> <code>{c.commitment}</code></div>}
                        </li>
                      ))}
                    </ol>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {next !== undefined && (
        <button type="button" onClick={() => load(next)}>{t("pubs.more")}</button>
      )}
    </>
  );
}
