// A survivor's timeline: their consultations and the cases the user may see, by pseudonymous
// code only. "Show identity" reads the sealed identity (GET /subjects/{code}, recorded in the
// access trail) only when pressed; it is held in this screen's memory until hidden or left, and
// never cached (the call is no-store).
import { useRef, useState } from "preact/hooks";
import { ApiError, type Schemas } from "../../api/client";
import { ErrorBox, Loading, useData } from "../../common";
import { useSubmit, Outcome } from "../forms";
import { staffCall, type Session } from "../session";
import { CaseTable } from "./cases";
import { ConsultationTable } from "./consultations";
import { useLabels, type Vocabulary } from "./ui";

type Timeline = Schemas["SurvivorTimeline"];
type Subject = Schemas["Subject"];

export function SurvivorView(props: { session: Session; vocab: Vocabulary; code: string }) {
  const { t } = useLabels();
  const s = props.session;
  const [data, error] = useData(() => staffCall<Timeline>(s, "GET", `/survivors/${encodeURIComponent(props.code)}`), [props.code]);
  if (error) return error instanceof ApiError && error.status === 404 ? <ErrorBox notFound /> : <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <h1>{t("desk.survivorPage.heading", { code: data.code })}</h1>
      <Identity session={s} code={data.code} />
      <section aria-labelledby="s-cases">
        <h2 id="s-cases">{t("deskNav.cases")}</h2>
        {data.cases.length === 0 ? <p>{t("desk.cases.none")}</p> : <CaseTable session={s} vocab={props.vocab} rows={data.cases} />}
      </section>
      <section aria-labelledby="s-consultations">
        <h2 id="s-consultations">{t("deskNav.consultations")}</h2>
        {data.consultations.length === 0 ? (
          <p>{t("desk.consultations.none")}</p>
        ) : (
          <ConsultationTable session={s} rows={data.consultations} />
        )}
      </section>
    </>
  );
}

function Identity(props: { session: Session; code: string }) {
  const { t } = useLabels();
  const [subject, setSubject] = useState<Subject | undefined>();
  const [run, state] = useSubmit();
  const shown = useRef<HTMLDivElement>(null);
  const show = () =>
    run(async () => {
      setSubject(await staffCall<Subject>(props.session, "GET", `/subjects/${encodeURIComponent(props.code)}`));
      setTimeout(() => shown.current?.focus(), 0);
      return null;
    });
  const fields = subject ? (Object.entries(subject.fields) as [string, string][]).filter(([, v]) => v) : [];
  return (
    <section class="panel identity" aria-labelledby="identity">
      <h2 id="identity">{t("desk.identity.heading")}</h2>
      <p class="hint">{t("desk.identity.hint")}</p>
      {subject ? (
        <div class="answer" tabIndex={-1} ref={shown}>
          {subject.erased ? (
            <p>{t("desk.identity.erased")}</p>
          ) : fields.length === 0 ? (
            <p>{t("desk.identity.empty")}</p>
          ) : (
            <dl class="keys">
              {fields.map(([k, v]) => (
                <div key={k}>
                  <dt>{t(`desk.f.${k as "name"}`)}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
          <button type="button" class="secondary" onClick={() => setSubject(undefined)}>
            {t("desk.identity.hide")}
          </button>
        </div>
      ) : (
        <button type="button" onClick={show} disabled={state.saving}>
          {t("desk.identity.show")}
        </button>
      )}
      <Outcome state={{ ...state, ok: undefined }} />
    </section>
  );
}
