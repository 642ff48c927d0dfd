// "What to do": the organisation's public protocols for survivors (GET /protocols?audience=public)
// for the kind of violence picked and, if given, when it happened (the server computes the hours
// since and the 72 h and 120 h deadlines). The disclaimer comes first; the emergency numbers are
// in the protocols' own text.
import { useEffect, useState } from "preact/hooks";
import { useT } from "../common";
import type { Key } from "../i18n";
import { localNow, localToUnix, ProtocolPanel } from "../protocols";

const categories = ["rape", "sexual_assault", "physical_assault", "forced_marriage", "denial_of_resources", "psychological_abuse"];

export function HelpView(props: { org: string }) {
  const { t } = useT();
  const [category, setCategory] = useState("");
  const [when, setWhen] = useState("");
  const [child, setChild] = useState(false);
  const [ipv, setIpv] = useState(false);
  useEffect(() => {
    document.title = `${t("help.heading")} · ${t("site.title")}`;
  }, [t("help.heading")]);
  return (
    <>
      <h1>{t("help.heading")}</h1>
      <p class="disclaimer" role="note">
        <strong>{t("protocol.disclaimerLead")}</strong> {t("help.disclaimer")}
      </p>
      <form class="stack help-form" onSubmit={(e) => e.preventDefault()}>
        <fieldset class="choices">
          <legend>{t("help.what")}</legend>
          <div class="options">
            {categories.map((c) => (
              <label key={c} class={category === c ? "on" : undefined}>
                <input type="radio" name="category" value={c} checked={category === c} onChange={() => setCategory(c)} />
                <span>{t(`vocab.category.${c}` as Key)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="field narrow">
          <label for="help-when">
            {t("help.when")} <span class="opt">({t("staff.form.optional")})</span>
          </label>
          <input id="help-when" type="datetime-local" value={when} max={localNow()} aria-describedby="help-when-hint"
            onInput={(e) => setWhen((e.currentTarget as HTMLInputElement).value)} />
          <p class="hint" id="help-when-hint">{t("help.whenHint")}</p>
        </div>
        <label class="check">
          <input type="checkbox" checked={child} onChange={(e) => setChild((e.currentTarget as HTMLInputElement).checked)} /> {t("help.child")}
        </label>
        <label class="check">
          <input type="checkbox" checked={ipv} onChange={(e) => setIpv((e.currentTarget as HTMLInputElement).checked)} /> {t("help.ipv")}
        </label>
      </form>
      <section aria-labelledby="help-guidance">
        <h2 id="help-guidance">{t("help.guidance")}</h2>
        {category ? (
          <ProtocolPanel org={props.org} situation={{ audience: "public", category, incidentAt: localToUnix(when), child, ipv }} headingLevel={3}
            noDisclaimer />
        ) : (
          <p>{t("help.pick")}</p>
        )}
      </section>
    </>
  );
}
