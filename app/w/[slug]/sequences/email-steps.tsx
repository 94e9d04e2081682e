"use client";

import { ArrowDownUp, Plus, Trash2 } from "lucide-react";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import {
  EMAIL_DAY_MAX,
  EMAILS_MAX,
  SUBJECT_MAX,
  BODY_MAX,
  placeholders,
  tones,
  type Placeholder,
  type Tone,
} from "@/server/recovery/policy";
import { placeholderCopy, toneCopy } from "./copy";
import { readable, Textarea } from "./controls";
import { fieldId, inDayOrder, problemsAt, type EmailDraft, type FieldProblem } from "./draft";

type StepField = "day" | "tone" | "subject" | "body";

export function PlaceholderLegend() {
  return (
    <details className="group rounded-lg border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm">
      <summary className="cursor-pointer font-medium text-zinc-800 marker:text-zinc-400">
        Placeholders: what {"{{customer_name}}"} and the others turn into
      </summary>
      <p className="mt-2 text-zinc-600">
        Write them with double braces in a subject or body; each email fills them in for its customer. Use the chips under a body to insert
        one where the cursor is.
      </p>
      <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-2">
        {placeholders.map((name) => (
          <div key={name}>
            <dt>
              <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs text-brand-700 ring-1 ring-zinc-200">{`{{${name}}}`}</code>
            </dt>
            <dd className="mt-0.5 text-zinc-600">{placeholderCopy[name]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function EmailSteps({
  emails,
  problems,
  readOnly,
  onChange,
  onAdd,
  onRemove,
  onSort,
}: {
  emails: EmailDraft[];
  problems: FieldProblem[];
  readOnly: boolean;
  onChange: (index: number, field: StepField, value: string) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
  onSort: () => void;
}) {
  const ordered = inDayOrder(emails);
  return (
    <div className="space-y-4">
      <PlaceholderLegend />
      {!ordered && !readOnly ? (
        <div className="flex flex-col gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:flex-row sm:items-center sm:justify-between">
          <p>The emails are not in order of day. They are sorted when you save, or sort them now.</p>
          <Button type="button" variant="secondary" onClick={onSort} className="shrink-0">
            <ArrowDownUp className="size-4" aria-hidden="true" />
            Sort by day
          </Button>
        </div>
      ) : null}
      <ol className="space-y-4">
        {emails.map((step, index) => (
          <li key={step.key}>
            <EmailStep
              step={step}
              index={index}
              total={emails.length}
              problems={problems}
              readOnly={readOnly}
              onChange={(field, value) => onChange(index, field, value)}
              onRemove={() => onRemove(index)}
            />
          </li>
        ))}
      </ol>
      {!readOnly ? (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <Button type="button" variant="secondary" onClick={onAdd} disabled={emails.length >= EMAILS_MAX}>
            <Plus className="size-4" aria-hidden="true" />
            Add an email
          </Button>
          <p className="text-sm text-zinc-500">
            {emails.length >= EMAILS_MAX
              ? `A sequence can have at most ${EMAILS_MAX} emails.`
              : `${emails.length} of up to ${EMAILS_MAX} emails.`}
          </p>
        </div>
      ) : null}
    </div>
  );
}

function EmailStep({
  step,
  index,
  total,
  problems,
  readOnly,
  onChange,
  onRemove,
}: {
  step: EmailDraft;
  index: number;
  total: number;
  problems: FieldProblem[];
  readOnly: boolean;
  onChange: (field: StepField, value: string) => void;
  onRemove: () => void;
}) {
  const lastText = useRef<"subject" | "body">("body");
  const base = `emails.${index}`;
  const error = (field: StepField) => problemsAt(problems, `${base}.${field}`).join(" ") || null;
  const stepError = problemsAt(problems, base).join(" ") || null;
  const number = index + 1;

  const insert = (name: Placeholder) => {
    const field = lastText.current;
    // A control keeps its selection when focus moves to the chip, so the token goes where the cursor was.
    const element = document.getElementById(fieldId(`${base}.${field}`)) as HTMLInputElement | HTMLTextAreaElement | null;
    const token = `{{${name}}}`;
    const value = field === "subject" ? step.subject : step.body;
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    onChange(field, value.slice(0, start) + token + value.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <fieldset
      id={fieldId(base)}
      tabIndex={-1}
      className="rounded-lg border border-zinc-200 bg-white p-4 outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
    >
      <legend className="sr-only">Email {number}</legend>
      <div className="flex items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-sm font-semibold text-zinc-900" aria-hidden="true">
          <span className="flex size-6 items-center justify-center rounded-full bg-brand-50 text-xs text-brand-700">{number}</span>
          Email {number}
        </p>
        {!readOnly ? (
          <Button
            type="button"
            variant="ghost"
            onClick={onRemove}
            disabled={total <= 1}
            aria-label={`Remove email ${number}`}
            title={total <= 1 ? "A sequence needs at least one email" : undefined}
            className="min-h-9 px-2.5 text-zinc-500 hover:text-red-700"
          >
            <Trash2 className="size-4" aria-hidden="true" />
            <span className="hidden sm:inline">Remove</span>
          </Button>
        ) : null}
      </div>
      {stepError ? (
        <p className="mt-2 text-sm text-red-700" id={`${fieldId(base)}-error`}>
          {stepError}
        </p>
      ) : null}
      <div className="mt-3 grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-4 sm:grid-cols-[8rem_minmax(0,1fr)] sm:gap-x-4">
        <Field
          id={fieldId(`${base}.day`)}
          label="Day"
          error={error("day")}
          hint={step.day.trim() === "0" ? "When the charge fails" : "Days after the failure"}
        >
          <Input
            id={fieldId(`${base}.day`)}
            type="number"
            inputMode="numeric"
            min={0}
            max={EMAIL_DAY_MAX}
            step={1}
            value={step.day}
            onChange={(e) => onChange("day", e.target.value)}
            invalid={Boolean(error("day"))}
            className={readable}
          />
        </Field>
        <Field id={fieldId(`${base}.tone`)} label="Tone" error={error("tone")} hint={toneCopy[step.tone].hint}>
          <Select
            id={fieldId(`${base}.tone`)}
            value={step.tone}
            onChange={(e) => onChange("tone", e.target.value as Tone)}
            aria-describedby={`${fieldId(`${base}.tone`)}-${error("tone") ? "error" : "hint"}`}
            className={readable}
          >
            {tones.map((tone) => (
              <option key={tone} value={tone}>
                {toneCopy[tone].label}
              </option>
            ))}
          </Select>
        </Field>
        <div className="col-span-2">
          <Field id={fieldId(`${base}.subject`)} label="Subject" error={error("subject")}>
            <Input
              id={fieldId(`${base}.subject`)}
              value={step.subject}
              maxLength={SUBJECT_MAX + 50}
              onChange={(e) => onChange("subject", e.target.value)}
              onFocus={() => (lastText.current = "subject")}
              invalid={Boolean(error("subject"))}
              className={readable}
            />
          </Field>
        </div>
        <div className="col-span-2">
          <Field
            id={fieldId(`${base}.body`)}
            label="Body"
            error={error("body")}
            hint={`Plain text: a blank line starts a new paragraph. ${step.body.length.toLocaleString("en")} of ${BODY_MAX.toLocaleString("en")} characters.`}
          >
            <Textarea
              id={fieldId(`${base}.body`)}
              value={step.body}
              rows={8}
              onChange={(e) => onChange("body", e.target.value)}
              onFocus={() => (lastText.current = "body")}
              invalid={Boolean(error("body"))}
            />
          </Field>
          {!readOnly ? (
            <div className="mt-2 flex flex-wrap items-center gap-1.5" role="group" aria-label={`Insert a placeholder into email ${number}`}>
              <span className="mr-1 text-xs text-zinc-500" aria-hidden="true">
                Insert
              </span>
              {placeholders.map((name) => (
                <button
                  key={name}
                  type="button"
                  onClick={() => insert(name)}
                  title={placeholderCopy[name]}
                  className="min-h-8 rounded-full bg-zinc-100 px-2.5 font-mono text-xs text-zinc-700 ring-1 ring-inset ring-zinc-200 hover:bg-brand-50 hover:text-brand-700 hover:ring-brand-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
                >
                  {`{{${name}}}`}
                </button>
              ))}
            </div>
          ) : null}
        </div>
      </div>
    </fieldset>
  );
}
