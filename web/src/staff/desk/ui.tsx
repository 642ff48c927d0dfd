// What the case desk's screens share: the vocabulary (the procedure table and the closed lists,
// public and the same for everyone, so fetched once per page load), the labels of vocabulary
// ids in the reader's language, and big-target radio and checkbox groups for the phone.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { call, type Schemas } from "../../api/client";
import { useT } from "../../common";
import { t as translate, type Key, type Lang } from "../../i18n";
import { pick } from "../../protocols";

export type Vocabulary = Schemas["DeskVocabulary"];
export type Procedure = Vocabulary["procedure"];
export type EventKind = Procedure["events"][number];

export { lists } from "./lists";

let vocabulary: Promise<Vocabulary> | undefined;
export function loadVocabulary(org: string): Promise<Vocabulary> {
  if (!vocabulary) {
    vocabulary = call<Vocabulary>(`/orgs/${encodeURIComponent(org)}/desk/vocabulary`);
    vocabulary.catch(() => (vocabulary = undefined));
  }
  return vocabulary;
}

export type VocabKind = "channel" | "contactKind" | "callerRole" | "category" | "context" | "region" | "ageGroup" | "sex"
  | "police" | "referral" | "outcome" | "precision" | "conduct" | "filedWith" | "complaintOutcome" | "docStatus" | "choice"
  | "docketEvent" | "referralOutcome" | "suspectState" | "sentenceKind";

// "no_corpus_delicti" -> "No corpus delicti": for ids the catalogue has no label for.
export const humanise = (id: string) => {
  const s = id.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
};

// A vocabulary id's label in `lang` (the id humanised if the catalogue has none).
export function label(lang: Lang, kind: VocabKind, id: string): string {
  // Categories and regions are in the main catalogue (the public pages show them too).
  const key = `${kind === "category" || kind === "region" ? "vocab" : "deskVocab"}.${kind}.${id.replace(/[^a-z0-9_]/gi, "_")}`;
  const s = translate(lang, key as Key);
  return s === key ? humanise(id) : s;
}

export function useLabels() {
  const { t, lang } = useT();
  return { t, lang, l: (kind: VocabKind, id: string) => label(lang, kind, id) };
}

export const stageLabel = (lang: Lang, p: Procedure, id: string) => {
  const s = p.stages.find((x) => x.id === id);
  return s ? pick(lang, s.label) : humanise(id);
};
export const eventLabel = (lang: Lang, p: Procedure, id: string) => {
  const e = p.events.find((x) => x.id === id);
  return e ? pick(lang, e.label) : humanise(id);
};

let groups = 0;
// One choice of a few, as big buttons in a row that wraps (radio buttons underneath, so the
// keyboard and screen readers treat them as a group).
export function Radios(props: {
  legend: string;
  value: string;
  set: (v: string) => void;
  options: readonly string[];
  label: (id: string) => string;
  required?: boolean;
  error?: string;
}) {
  const [name] = useState(() => `r${++groups}`);
  return (
    <fieldset class="choices" aria-describedby={props.error ? name + "-error" : undefined}>
      <legend>{props.legend}</legend>
      <div class="options">
        {props.options.map((o) => (
          <label key={o} class={props.value === o ? "on" : undefined}>
            <input type="radio" name={name} value={o} checked={props.value === o} required={props.required}
              onChange={() => props.set(o)} />
            <span>{props.label(o)}</span>
          </label>
        ))}
      </div>
      {props.error && (
        <p class="field-error" id={name + "-error"}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

// Several of a few, as big toggles.
export function Checks(props: {
  legend: string;
  values: string[];
  set: (v: string[]) => void;
  options: readonly string[];
  label: (id: string) => string;
  hint?: string;
}) {
  return (
    <fieldset class="choices">
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      <div class="options">
        {props.options.map((o) => {
          const on = props.values.includes(o);
          return (
            <label key={o} class={on ? "on" : undefined}>
              <input type="checkbox" checked={on}
                onChange={() => props.set(on ? props.values.filter((v) => v !== o) : [...props.values, o])} />
              <span>{props.label(o)}</span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

// A labelled <select> of ids with their labels; `any`: a first option for "all" (value "").
export function Select(props: {
  label: string;
  value: string;
  set: (v: string) => void;
  options: readonly string[];
  labelOf: (id: string) => string;
  any?: string;
  required?: boolean;
  id?: string;
}) {
  const [id] = useState(() => props.id ?? `s${++groups}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} required={props.required}
        onChange={(e) => props.set((e.currentTarget as HTMLSelectElement).value)}>
        {props.any !== undefined && <option value="">{props.any}</option>}
        {props.options.map((o) => (
          <option value={o} key={o}>
            {props.labelOf(o)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Badge(props: { kind?: string; children: ComponentChildren }) {
  return <span class={`badge ${props.kind ?? ""}`}>{props.children}</span>;
}

// Today + `days` as YYYY-MM-DD in the browser's calendar.
export function dayFromNow(days: number): string {
  const d = new Date(Date.now() + days * 86400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// A list of alike rows the user adds and removes (a post's sources, a proceeding's people, a
// publication's corrections), each a labelled group with its own remove button.
export function Rows<R>(props: {
  legend: string;
  rows: R[];
  set: (rows: R[]) => void;
  blank: R;
  max: number;
  rowLabel: (n: number) => string;
  removeLabel: (n: number) => string;
  addLabel: string;
  render: (row: R, set: (row: R) => void) => ComponentChildren;
}) {
  const { rows, set } = props;
  return (
    <fieldset class="rows-edit">
      <legend>{props.legend}</legend>
      {rows.map((r, i) => (
        <div class="row-edit" key={i} role="group" aria-label={props.rowLabel(i + 1)}>
          {props.render(r, (x) => set(rows.map((y, j) => (j === i ? x : y))))}
          <button type="button" class="secondary" onClick={() => set(rows.filter((_, j) => j !== i))}>
            {props.removeLabel(i + 1)}
          </button>
        </div>
      ))}
      {rows.length < props.max && (
        <button type="button" class="secondary" onClick={() => set([...rows, props.blank])}>{props.addLabel}</button>
      )}
    </fieldset>
  );
}
