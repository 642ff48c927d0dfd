// Bank statements: a statement file chosen (its format guessed from the name, a CSV's column
// mapping asked for), uploaded with a progress bar, and the reconciliation the server answers:
// donations booked, lines matched to donations booked by hand, lines already imported, money
// out and how much of it matched expenses. Then the statements imported so far.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Schemas } from "../api/client";
import { useT } from "../common";
import type { Key } from "../i18n";
import { number, percent } from "../i18n/fmt";
import { Choice, Field, Outcome, Text, useSubmit } from "./forms";
import { ImportList } from "./lists";
import { may, upload, type Session } from "./session";

const formats = ["camt", "mt940", "1c", "csv"] as const;
type Format = (typeof formats)[number];
const channels = ["bank", "card", "cash", "mobile", "other"] as const;

// The format a file's name suggests (the reader can change it).
function guess(name: string): Format | undefined {
  const n = name.toLowerCase();
  if (n.endsWith(".xml")) return "camt";
  if (/\.(sta|mt940|mt942|940|942)$/.test(n)) return "mt940";
  if (n.endsWith(".csv")) return "csv";
  if (n.endsWith(".txt")) return "1c";
  return undefined;
}

// The server reads the file by `format`; the media type only says what kind of text it is.
const mediaType = (f: Format) => (f === "camt" ? "application/xml" : f === "csv" ? "text/csv" : "text/plain");

export function StatementsView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const [imported, setImported] = useState(0);
  return (
    <>
      <h1>{t("books.statements.heading")}</h1>
      {may.importStatement(s.user.role) && <ImportStatement session={s} onImported={() => setImported((n) => n + 1)} />}
      <h2>{t("books.statements.list")}</h2>
      <ImportList session={s} key={imported} />
    </>
  );
}

function ImportStatement(props: { session: Session; onImported: () => void }) {
  const { t, lang } = useT();
  const [file, setFile] = useState<File | undefined>();
  const [format, setFormat] = useState<Format>("camt");
  const [map, setMap] = useState("");
  const [channel, setChannel] = useState<string>("bank");
  const [progress, setProgress] = useState<number | undefined>();
  const [run, state] = useSubmit();
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.ok || state.error) result.current?.focus();
  }, [state]);
  const choose = (f: File | undefined) => {
    setFile(f);
    const g = f && guess(f.name);
    if (g) setFormat(g);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const q = new URLSearchParams({ format, channel });
    if (format === "csv") q.set("map", map.trim());
    run(async () => {
      setProgress(0);
      let r: Schemas["StatementImported"];
      try {
        r = await upload<Schemas["StatementImported"]>(props.session, `/statements?${q}`, file, setProgress, mediaType(format));
      } catch (e) {
        const x = e as { status?: number; reason?: string };
        throw new ApiError(x.status ?? 0, x.reason);
      } finally {
        setProgress((p) => (p === undefined ? p : 1));
      }
      props.onImported();
      return <Reconciliation r={r} />;
    });
  };
  return (
    <section class="panel" aria-labelledby="imp">
      <h2 id="imp">{t("books.statements.import")}</h2>
      <p>{t("books.statements.intro")}</p>
      <form class="stack narrow" onSubmit={submit}>
        <Field label={t("books.statements.file")}>
          {(id) => (
            <input id={id} type="file" required accept=".xml,.sta,.mt940,.940,.942,.txt,.csv,text/xml,application/xml,text/csv,text/plain"
              onChange={(e) => (choose((e.currentTarget as HTMLInputElement).files?.[0]), setProgress(undefined))} />
          )}
        </Field>
        <Choice label={t("books.statements.format")} value={format} set={(v) => setFormat(v as Format)}
          options={formats.map((f) => [f, t(`books.statements.formats.${f}` as Key)])} />
        {format === "csv" && (
          <Text label={t("books.statements.map")} value={map} set={setMap} hint={t("books.statements.mapHint")} maxLength={1000} />
        )}
        <Choice label={t("books.statements.channel")} value={channel} set={setChannel}
          options={channels.map((c) => [c, t(`staff.channel.${c}` as Key)])} />
        <button type="submit" disabled={state.saving || !file}>
          {t("books.statements.submit")}
        </button>
        {progress !== undefined && (
          <div class="upload">
            <span id="upload-label">{t("books.statements.progress")}</span>{" "}
            <progress aria-labelledby="upload-label" max={1} value={progress} aria-valuetext={percent(lang, progress)} />{" "}
            <span aria-hidden="true">{percent(lang, progress)}</span>
            {progress === 1 && state.saving && <p role="status">{t("books.statements.reading")}</p>}
          </div>
        )}
        <div tabIndex={-1} ref={result}>
          <Outcome state={state} />
        </div>
      </form>
    </section>
  );
}

// What the import did, line by line of the file.
function Reconciliation(props: { r: Schemas["StatementImported"] }) {
  const { t, lang } = useT();
  const r = props.r;
  const row = (key: Key, n: number) => (
    <tr>
      <th scope="row">{t(key)}</th>
      <td class="num">{number(lang, n)}</td>
    </tr>
  );
  return (
    <>
      <p>{t("books.statements.done", { n: r.import, format: r.format })}</p>
      <table class="reconciliation">
        <caption class="sr-only">{t("books.statements.resultCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("books.statements.what")}</th>
            <th scope="col" class="num">{t("books.statements.lines")}</th>
          </tr>
        </thead>
        <tbody>
          {row("books.statements.linesAll", r.lines)}
          {row("books.statements.booked", r.booked)}
          {row("books.statements.matchedDonations", r.matched_donations)}
          {row("books.statements.already", r.already_imported)}
          {row("books.statements.moneyOut", r.money_out)}
          {row("books.statements.matchedExpenses", r.matched_expenses)}
        </tbody>
      </table>
    </>
  );
}
