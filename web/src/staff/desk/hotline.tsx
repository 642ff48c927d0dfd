// The hotline form: a consultation logged in under a minute from a phone. Closed lists as big
// buttons, the incident's time with its precision, and the protocol for the situation beside the
// form (below it on a phone), fetched again as the category, the time and the flags change; the
// first protocol shown is recorded with the consultation. Identity is optional and sealed by the
// server; nothing typed here is kept on the device.
import { useRef, useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading, useData } from "../../common";
import { localNow, localToUnix, ProtocolPanel } from "../../protocols";
import { Field, Outcome, Text, useSubmit } from "../forms";
import { staffCall, type Session } from "../session";
import { Checks, lists, loadVocabulary, Radios, Select, useLabels } from "./ui";

type Input = Schemas["ConsultationInput"];
type Logged = Schemas["ConsultationLogged"];

interface Form {
  channel: string;
  contact_kind: string;
  caller_role: string;
  category: string;
  context: string[];
  region: string;
  age_group: string;
  sex: string;
  incident: string;  // datetime-local
  precision: string;
  police_status: string;
  referrals: string[];
  outcome: string;
  follow_up: string;
  consent_stats: boolean;
  survivor: string;
  name: string;
  phone: string;
  contact: string;
  notes: string;
}

const blank = (): Form => ({
  channel: "phone", contact_kind: "data", caller_role: "survivor", category: "", context: [], region: "", age_group: "unknown",
  sex: "unknown", incident: "", precision: "unknown", police_status: "unknown", referrals: [], outcome: "advice", follow_up: "",
  consent_stats: false, survivor: "", name: "", phone: "", contact: "", notes: "",
});

export function HotlineView(props: { session: Session }) {
  const { t, l } = useLabels();
  const s = props.session;
  const [vocab, vocabError] = useData(() => loadVocabulary(s.org), [s.org]);
  const [f, setF] = useState<Form>(blank);
  const [logged, setLogged] = useState<{ id: number; survivor?: string; form: Form } | undefined>();
  const [missing, setMissing] = useState<Partial<Record<keyof Form, string>>>({});
  const protocol = useRef("");
  const [run, state] = useSubmit();
  const answer = useRef<HTMLDivElement>(null);
  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setF((x) => ({ ...x, [k]: v }));

  if (vocabError) return <ErrorBox error={vocabError} />;
  if (!vocab) return <Loading />;

  const child = f.context.includes("child") || f.age_group === "0-11" || f.age_group === "12-17";
  const situation = {
    audience: "operator" as const,
    category: f.category || undefined,
    incidentAt: localToUnix(f.incident),
    child,
    ipv: f.context.includes("ipv"),
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const need: Partial<Record<keyof Form, string>> = {};
    if (!f.category) need.category = t("desk.form.pick");
    if (!f.region) need.region = t("desk.form.pick");
    setMissing(need);
    if (Object.keys(need).length) return;
    const identity = Object.fromEntries(
      (["name", "phone", "contact", "notes"] as const).filter((k) => f[k].trim()).map((k) => [k, f[k].trim()]),
    );
    const body: Input = {
      channel: f.channel as Input["channel"],
      contact_kind: f.contact_kind as Input["contact_kind"],
      caller_role: f.caller_role as Input["caller_role"],
      category: f.category as Input["category"],
      context: f.context as Input["context"],
      region: f.region as Input["region"],
      age_group: f.age_group as Input["age_group"],
      sex: f.sex as Input["sex"],
      incident_precision: f.precision as Input["incident_precision"],
      police_status: f.police_status as Input["police_status"],
      referrals: f.referrals as Input["referrals"],
      outcome: f.outcome as Input["outcome"],
      consent_stats: f.consent_stats,
      ...(situation.incidentAt !== undefined ? { incident_at: situation.incidentAt } : {}),
      ...(f.follow_up ? { follow_up: f.follow_up } : {}),
      ...(protocol.current ? { protocol: protocol.current } : {}),
      ...(f.survivor.trim() ? { survivor: f.survivor.trim() } : {}),
      ...(Object.keys(identity).length ? { identity } : {}),
    };
    run(async () => {
      const r = await staffCall<Logged>(s, "POST", "/consultations", body);
      setLogged({ id: r.id, survivor: r.survivor, form: f });
      setTimeout(() => answer.current?.focus(), 0);
      return null;
    });
  };

  if (logged) {
    const q = new URLSearchParams({ from: String(logged.id), category: logged.form.category, region: logged.form.region });
    if (logged.survivor) q.set("survivor", logged.survivor);
    return (
      <>
        <h1>{t("desk.hotline.heading")}</h1>
        <div class="done answer logged" tabIndex={-1} ref={answer} role="status">
          <p>{t("desk.hotline.logged", { n: logged.id })}</p>
          {logged.survivor ? (
            <p>
              {t("desk.hotline.survivorCode")} <a class="code" href={`/staff/${s.org}/survivors/${encodeURIComponent(logged.survivor)}`}>{logged.survivor}</a>
            </p>
          ) : (
            <p>{t("desk.hotline.noSurvivor")}</p>
          )}
        </div>
        <p class="actions">
          {logged.survivor && (
            <a class="button" href={`/staff/${s.org}/cases?${q}`}>
              {t("desk.hotline.openCase")}
            </a>
          )}
          <button type="button" class="secondary" onClick={() => (setF(blank()), setLogged(undefined))}>
            {t("desk.hotline.another")}
          </button>
        </p>
      </>
    );
  }

  return (
    <>
      <h1>{t("desk.hotline.heading")}</h1>
      <div class="hotline">
        <form class="stack hotline-form" onSubmit={submit} noValidate>
          <Radios legend={t("desk.f.channel")} value={f.channel} set={set("channel")} options={vocab.channels} label={(x) => l("channel", x)} />
          <Radios legend={t("desk.f.callerRole")} value={f.caller_role} set={set("caller_role")} options={lists.callerRoles}
            label={(x) => l("callerRole", x)} />
          <Radios legend={t("desk.f.category")} value={f.category} set={(v) => (set("category")(v), setMissing((m) => ({ ...m, category: undefined })))}
            options={vocab.categories} label={(x) => l("category", x)} required error={missing.category} />
          {f.category && (
            <p class="to-protocol">
              <button type="button" class="small secondary" onClick={() => {
                const h = document.getElementById("protocol-heading");
                h?.scrollIntoView();
                h?.focus();
              }}>
                {t("desk.hotline.toProtocol")}
              </button>
            </p>
          )}
          <Checks legend={t("desk.f.context")} values={f.context} set={set("context")} options={vocab.contexts} label={(x) => l("context", x)} />
          <div class="pair">
            <Field label={t("desk.f.incidentAt")} optional hint={t("desk.f.incidentHint")}>
              {(id, described) => (
                <input id={id} type="datetime-local" value={f.incident} max={localNow()} aria-describedby={described}
                  onInput={(e) => {
                    const v = (e.currentTarget as HTMLInputElement).value;
                    setF((x) => ({ ...x, incident: v, precision: v && x.precision === "unknown" ? "hour" : v ? x.precision : "unknown" }));
                  }} />
              )}
            </Field>
          </div>
          <Radios legend={t("desk.f.precision")} value={f.precision} set={set("precision")} options={lists.precisions}
            label={(x) => l("precision", x)} />
          <Select label={t("desk.f.region")} value={f.region} set={(v) => (set("region")(v), setMissing((m) => ({ ...m, region: undefined })))}
            options={vocab.regions} labelOf={(x) => l("region", x)} any={t("desk.form.choose")} required />
          {missing.region && <p class="field-error">{missing.region}</p>}
          <Radios legend={t("desk.f.ageGroup")} value={f.age_group} set={set("age_group")} options={vocab.age_groups} label={(x) => l("ageGroup", x)} />
          <Radios legend={t("desk.f.sex")} value={f.sex} set={set("sex")} options={lists.sexes} label={(x) => l("sex", x)} />
          <Radios legend={t("desk.f.police")} value={f.police_status} set={set("police_status")} options={lists.policeStatuses}
            label={(x) => l("police", x)} />
          <Checks legend={t("desk.f.referrals")} values={f.referrals} set={set("referrals")} options={vocab.referrals} label={(x) => l("referral", x)} />
          <Radios legend={t("desk.f.outcome")} value={f.outcome} set={set("outcome")} options={vocab.outcomes} label={(x) => l("outcome", x)} />
          <Text label={t("desk.f.followUp")} type="date" value={f.follow_up} set={set("follow_up")} optional />
          <Select label={t("desk.f.contactKind")} value={f.contact_kind} set={set("contact_kind")} options={lists.contactKinds}
            labelOf={(x) => l("contactKind", x)} />
          <label class="check big">
            <input type="checkbox" checked={f.consent_stats} onChange={(e) => set("consent_stats")((e.currentTarget as HTMLInputElement).checked)} />{" "}
            {t("desk.f.consentStats")}
          </label>
          <details class="panel identity">
            <summary>{t("desk.hotline.identity")}</summary>
            <p class="hint">{t("desk.hotline.identityHint")}</p>
            <Text label={t("desk.f.survivorCode")} value={f.survivor} set={set("survivor")} optional hint={t("desk.f.survivorCodeHint")} />
            <Text label={t("desk.f.name")} value={f.name} set={set("name")} optional />
            <Text label={t("desk.f.phone")} type="tel" value={f.phone} set={set("phone")} optional />
            <Text label={t("desk.f.contact")} value={f.contact} set={set("contact")} optional />
            <Text label={t("desk.f.notes")} value={f.notes} set={set("notes")} optional />
          </details>
          <p>
            <button type="submit" class="wide" disabled={state.saving}>
              {t("desk.hotline.submit")}
            </button>
          </p>
          <Outcome state={state} />
        </form>
        <aside class="protocol-panel" aria-labelledby="protocol-heading">
          <h2 id="protocol-heading" tabIndex={-1}>{t("protocol.heading")}</h2>
          {f.category ? (
            <ProtocolPanel org={s.org} situation={situation} onShown={(r) => (protocol.current = r)} />
          ) : (
            <p class="hint">{t("protocol.pickCategory")}</p>
          )}
        </aside>
      </div>
    </>
  );
}
