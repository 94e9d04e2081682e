"use client";

import { useMutation } from "@tanstack/react-query";
import { CheckCircle2, Info, Lock } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select } from "@/components/ui/field";
import { RadioCard } from "@/components/ui/radio-card";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";
import { finalActions, retryGroups, retryStrategies, type FinalAction, type Policy, type RetryStrategy } from "@/server/recovery/policy";
import { finalActionCopy, hourLabel, retryGroupCopy, strategyCopy } from "./copy";
import { readable, Section, Toggle } from "./controls";
import {
  draftFromPolicy,
  fieldId,
  newEmailStep,
  policyFromDraft,
  problemsAt,
  sortEmailsByDay,
  type EmailDraft,
  type FieldProblem,
  type PolicyDraft,
  type RetryGroup,
} from "./draft";
import { EmailSteps } from "./email-steps";
import { PreviewPanel } from "./preview-panel";

const serialise = (draft: PolicyDraft) => JSON.stringify(policyFromDraft(draft));

/** Moves focus to the control of a problem, or to the nearest section that holds it. */
function focusProblem(path: string) {
  for (let p = path; ; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const element = document.getElementById(fieldId(p));
    if (element) {
      element.focus({ preventScroll: true });
      element.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    if (p === "") return;
  }
}

export function SequenceEditor({
  workspaceId,
  workspaceName,
  role,
  canManage,
  version,
  policy,
}: {
  workspaceId: string;
  workspaceName: string;
  role: string;
  canManage: boolean;
  version: number;
  policy: Policy;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [draft, setDraft] = useState(() => draftFromPolicy(policy));
  const [baseline, setBaseline] = useState(() => draftFromPolicy(policy));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const focusSummary = useRef(false);
  const nextKey = useRef(0);
  const readOnly = !canManage;
  // The page refreshes after a save; until it has, the version just saved is the latest.
  const nextVersion = Math.max(version, savedVersion ?? 0) + 1;
  const dirty = serialise(draft) !== serialise(baseline);

  const save = useMutation(trpc.sequence.save.mutationOptions());

  // Show every problem at once, and take keyboard and screen-reader users to the list of them.
  useEffect(() => {
    if (focusSummary.current && problems.length > 0) {
      focusSummary.current = false;
      summaryRef.current?.focus({ preventScroll: true });
      summaryRef.current?.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }, [problems]);

  // Leaving with unsaved changes loses them: let the browser ask first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** Applies a change; the problems reported at `paths` go away, since they may be fixed now. */
  const edit = (paths: string | string[], change: (d: PolicyDraft) => PolicyDraft) => {
    const touched = new Set(Array.isArray(paths) ? paths : [paths]);
    setDraft(change);
    setSavedVersion(null);
    setProblems((ps) => ps.filter((p) => !touched.has(p.path)));
  };
  /** Adding, removing or sorting emails renumbers them: their old messages would point at the wrong email. */
  const editEmails = (change: (emails: EmailDraft[]) => EmailDraft[]) => {
    setDraft((d) => ({ ...d, emails: change(d.emails) }));
    setSavedVersion(null);
    setProblems((ps) => ps.filter((p) => !p.path.startsWith("emails")));
  };

  const submit = () => {
    if (readOnly || save.isPending || !dirty) return;
    // The policy wants the emails in order of day; put them there rather than report it.
    const sorted = sortEmailsByDay(draft.emails);
    const next = sorted.every((step, i) => step === draft.emails[i]) ? draft : { ...draft, emails: sorted };
    if (next !== draft) setDraft(next);
    setSavedVersion(null);
    save.mutate(
      { workspaceId, policy: policyFromDraft(next) },
      {
        onSuccess: (result) => {
          if (result.ok) {
            setProblems([]);
            setBaseline(next);
            setSavedVersion(result.version);
            router.refresh();
          } else {
            focusSummary.current = true;
            setProblems(result.errors);
          }
        },
      },
    );
  };

  const error = (path: string) => problemsAt(problems, path).join(" ") || null;
  const number = (path: string, value: string, set: (d: PolicyDraft, v: string) => PolicyDraft) => ({
    id: fieldId(path),
    type: "number" as const,
    inputMode: "numeric" as const,
    step: 1,
    value,
    invalid: Boolean(error(path)),
    className: readable,
    onChange: (e: { target: { value: string } }) => edit(path, (d) => set(d, e.target.value)),
  });

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_21rem] xl:items-start">
      <form
        noValidate
        aria-label="Sequence settings"
        className="min-w-0 space-y-6"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onKeyDown={(e) => {
          if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "s") {
            e.preventDefault();
            submit();
          }
        }}
      >
        <div id={fieldId("")} tabIndex={-1} className="space-y-4 outline-none">
          {readOnly ? (
            <div className="flex gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-700" role="note">
              <Lock className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden="true" />
              <p>
                Your role in {workspaceName} is <strong className="font-medium">{role}</strong>, so you can read this sequence and try the
                preview, but not change it. Owners and admins can edit it.
              </p>
            </div>
          ) : null}
          <div className="flex gap-3 rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
            <Info className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
            <p>
              <strong className="font-semibold">Open cases keep the version they started with.</strong> Each save makes a new version
              {canManage ? ` (the next is version ${nextVersion})` : ""}: recovery cases opened from then on follow it, while a customer
              already part-way through a sequence finishes the one they began, so nobody gets a mix of two.{" "}
              <a href="#preview" className="font-medium underline underline-offset-2 xl:hidden">
                See the schedule it gives
              </a>
            </p>
          </div>
          {savedVersion !== null && !dirty ? (
            <Alert tone="success">
              <span className="flex gap-2">
                <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
                <span>
                  <strong className="font-semibold">Saved as version {savedVersion}.</strong> New recovery cases use it from now on; open
                  cases keep the version they started with.
                </span>
              </span>
            </Alert>
          ) : null}
          {save.error ? <Alert>{formError(save.error)}</Alert> : null}
          {problems.length > 0 ? (
            <div
              ref={summaryRef}
              tabIndex={-1}
              role="alert"
              aria-labelledby="problems-title"
              className="scroll-mt-24 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 outline-none focus-visible:ring-2 focus-visible:ring-red-400"
            >
              <h2 id="problems-title" className="font-semibold">
                {problems.length === 1
                  ? "One thing to fix before this can be saved"
                  : `${problems.length} things to fix before this can be saved`}
              </h2>
              <ul className="mt-2 list-disc space-y-1 pl-5">
                {problems.map((problem, i) => (
                  <li key={`${problem.path}-${i}`}>
                    <a
                      href={`#${fieldId(problem.path)}`}
                      className="underline decoration-red-300 underline-offset-2 hover:decoration-red-700"
                      onClick={(e) => {
                        e.preventDefault();
                        focusProblem(problem.path);
                      }}
                    >
                      {problem.message}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>

        <fieldset disabled={readOnly} className="min-w-0 space-y-6">
          <legend className="sr-only">Sequence settings{readOnly ? " (read only)" : ""}</legend>

          <div className="rounded-xl border border-zinc-200 bg-white px-4 py-4 shadow-sm sm:px-5">
            <Field id={fieldId("name")} label="Sequence name" error={error("name")} hint="For your team; customers never see it.">
              <Input
                id={fieldId("name")}
                value={draft.name}
                maxLength={80}
                onChange={(e) => edit("name", (d) => ({ ...d, name: e.target.value }))}
                invalid={Boolean(error("name"))}
                className={readable}
              />
            </Field>
          </div>

          <Section
            id={fieldId("retries")}
            title="Retries"
            error={error("retries")}
            description="How Reclaim retries a soft decline, by reason. Retries go out at the retry hour in the customer's time zone, only inside the recovery window."
          >
            {draft.outreachOnly ? (
              <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                Outreach only is on: Reclaim does not retry, so these settings are kept but not used.
              </p>
            ) : null}
            <div className="divide-y divide-zinc-100">
              {retryGroups.map((group) => (
                <RetryRow
                  key={group}
                  group={group}
                  rule={draft.retries[group]}
                  strategyError={error(`retries.${group}.strategy`)}
                  maxError={error(`retries.${group}.maxRetries`)}
                  rowError={error(`retries.${group}`)}
                  onStrategy={(strategy) =>
                    edit([`retries.${group}.strategy`, `retries.${group}.maxRetries`], (d) => {
                      const current = d.retries[group];
                      // "Don't retry" means zero; coming back from it starts from a sensible number again.
                      const maxRetries = strategy === "none" ? "0" : current.maxRetries.trim() === "0" ? "3" : current.maxRetries;
                      return { ...d, retries: { ...d.retries, [group]: { strategy, maxRetries } } };
                    })
                  }
                  onMax={(value) =>
                    edit(`retries.${group}.maxRetries`, (d) => ({
                      ...d,
                      retries: { ...d.retries, [group]: { ...d.retries[group], maxRetries: value } },
                    }))
                  }
                />
              ))}
            </div>
            <div className="mt-4 space-y-1 rounded-md bg-zinc-50 px-4 py-3 text-sm text-zinc-600">
              <p>
                <strong className="font-medium text-zinc-800">Hard declines are never retried</strong> (an expired card, wrong details, a
                closed account): retrying the same card cannot work. Reclaim asks for a new card instead, and the moment one is on file it
                retries every open invoice of that customer.
              </p>
              <p>
                <strong className="font-medium text-zinc-800">Do-not-contact declines get nothing</strong> (a card reported lost, stolen or
                fraudulent): no retries and no emails. You see them flagged under Recoveries.
              </p>
            </div>
          </Section>

          <Section
            id="seq-timing"
            title="Timing and the end of the window"
            description="When things go out, how long Reclaim keeps trying, and what happens if the customer never pays."
          >
            <div className="grid gap-5 sm:grid-cols-3">
              <Field
                id={fieldId("retryHourLocal")}
                label="Retry hour (local)"
                error={error("retryHourLocal")}
                hint="In each customer's time zone."
              >
                <Select
                  id={fieldId("retryHourLocal")}
                  value={draft.retryHourLocal}
                  onChange={(e) => edit("retryHourLocal", (d) => ({ ...d, retryHourLocal: e.target.value }))}
                  aria-describedby={`${fieldId("retryHourLocal")}-${error("retryHourLocal") ? "error" : "hint"}`}
                  className={readable}
                >
                  {Array.from({ length: 24 }, (_, hour) => (
                    <option key={hour} value={String(hour)}>
                      {hourLabel(hour)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field
                id={fieldId("windowDays")}
                label="Recovery window (days)"
                error={error("windowDays")}
                hint="7 to 90. Past due meanwhile."
              >
                <Input {...number("windowDays", draft.windowDays, (d, v) => ({ ...d, windowDays: v }))} min={7} max={90} />
              </Field>
              <Field id={fieldId("graceDays")} label="Grace period (days)" error={error("graceDays")} hint="0 to 30, after the window.">
                <Input {...number("graceDays", draft.graceDays, (d, v) => ({ ...d, graceDays: v }))} min={0} max={30} />
              </Field>
            </div>
            <p className="mt-3 text-sm text-zinc-500">
              Day-based retries and emails go out at the retry hour; a day-0 email goes out as soon as the charge fails. Retries stop when
              the window ends; in the grace period that follows, a payment (say, after a card update) still saves the subscription.
            </p>

            <fieldset className="mt-6" aria-describedby={error("finalAction") ? `${fieldId("finalAction")}-error` : undefined}>
              <legend className="text-sm font-medium text-zinc-800">
                <span id={fieldId("finalAction")} tabIndex={-1} className="outline-none">
                  Final action
                </span>
              </legend>
              <p className="mt-1 text-sm text-zinc-500">
                Runs once the window and the grace period are over and the invoice is still unpaid.
              </p>
              {error("finalAction") ? (
                <p id={`${fieldId("finalAction")}-error`} className="mt-1 text-sm text-red-700">
                  {error("finalAction")}
                </p>
              ) : null}
              <div className="mt-3 grid gap-2 sm:grid-cols-2">
                {finalActions.map((action) => (
                  <RadioCard
                    key={action}
                    name="finalAction"
                    value={action}
                    checked={draft.finalAction === action}
                    onChange={() => edit("finalAction", (d) => ({ ...d, finalAction: action as FinalAction }))}
                    label={finalActionCopy[action].label}
                    hint={finalActionCopy[action].hint}
                  />
                ))}
              </div>
            </fieldset>
          </Section>

          <Section id="seq-measure" title="Holdout and provider retries">
            <div className="space-y-6">
              <div className="grid gap-4 sm:grid-cols-[10rem_minmax(0,1fr)] sm:items-start">
                <Field id={fieldId("holdoutPercent")} label="Holdout (%)" error={error("holdoutPercent")}>
                  <Input {...number("holdoutPercent", draft.holdoutPercent, (d, v) => ({ ...d, holdoutPercent: v }))} min={0} max={50} />
                </Field>
                <div className="text-sm text-zinc-600 sm:pt-7">
                  <p id={`${fieldId("holdoutPercent")}-hint`}>
                    This share of customers gets no emails and no retries from Reclaim, and is tracked exactly like everyone else. Comparing
                    the two groups shows how much revenue Reclaim actually recovers (the lift in Reports), not just what would have come
                    back anyway. Each customer stays in the same group. 0 to 50; 5 to 10 is usual, 0 turns the measurement off.
                  </p>
                </div>
              </div>
              <Toggle
                id={fieldId("outreachOnly")}
                label="Outreach only"
                checked={draft.outreachOnly}
                onChange={(e) => edit("outreachOnly", (d) => ({ ...d, outreachOnly: e.target.checked }))}
                error={error("outreachOnly")}
                hint="Reclaim sends the emails but never retries a charge itself: the retries are left to your billing provider (for example Stripe's Smart Retries). Turn this on if those stay on, so cards are not charged by both."
              />
              <Toggle
                id={fieldId("waitForFirstRetry")}
                label="Wait for the first retry before the first email"
                checked={draft.waitForFirstRetry}
                onChange={(e) => edit("waitForFirstRetry", (d) => ({ ...d, waitForFirstRetry: e.target.checked }))}
                error={error("waitForFirstRetry")}
                hint="The day-0 email goes out just after the first retry, and not at all if that retry works, so customers whose payment goes through never hear about it. Declines that are not retried get it straight away."
              />
            </div>
          </Section>

          <Section
            id={fieldId("emails")}
            title="Emails"
            error={error("emails")}
            description="Sent on their day after the charge fails, under your branding, with a button to update the card. They stop as soon as the customer pays. A customer with several failed invoices gets one series."
          >
            <EmailSteps
              emails={draft.emails}
              problems={problems}
              readOnly={readOnly}
              onChange={(index, field, value) =>
                edit(`emails.${index}.${field}`, (d) => ({
                  ...d,
                  emails: d.emails.map((step, i) => (i === index ? { ...step, [field]: value } : step)),
                }))
              }
              onAdd={() => {
                const key = `new-${nextKey.current++}`;
                editEmails((emails) => [...emails, newEmailStep(emails, draft.windowDays, key)]);
                requestAnimationFrame(() => document.getElementById(fieldId(`emails.${draft.emails.length}.day`))?.focus());
              }}
              onRemove={(index) => editEmails((emails) => emails.filter((_, i) => i !== index))}
              onSort={() => editEmails(sortEmailsByDay)}
            />
          </Section>
        </fieldset>

        {canManage ? (
          <SaveBar
            dirty={dirty}
            pending={save.isPending}
            problems={problems.length}
            savedVersion={savedVersion}
            nextVersion={nextVersion}
            onDiscard={() => {
              setDraft(baseline);
              setProblems([]);
              save.reset();
            }}
          />
        ) : null}
      </form>

      <aside className="min-w-0 xl:sticky xl:top-10 xl:max-h-[calc(100vh-3.5rem)] xl:overflow-y-auto xl:rounded-xl">
        {/* In the order saving will put them, so the preview shows what would be saved. */}
        <PreviewPanel
          workspaceId={workspaceId}
          policy={policyFromDraft({ ...draft, emails: sortEmailsByDay(draft.emails) }, { bodies: false })}
        />
      </aside>
    </div>
  );
}

function RetryRow({
  group,
  rule,
  strategyError,
  maxError,
  rowError,
  onStrategy,
  onMax,
}: {
  group: RetryGroup;
  rule: { strategy: RetryStrategy; maxRetries: string };
  strategyError: string | null;
  maxError: string | null;
  rowError: string | null;
  onStrategy: (strategy: RetryStrategy) => void;
  onMax: (value: string) => void;
}) {
  const base = `retries.${group}`;
  const none = rule.strategy === "none";
  return (
    <div
      id={fieldId(base)}
      tabIndex={-1}
      className="grid grid-cols-[minmax(0,1fr)_6.5rem] gap-x-3 gap-y-3 py-4 outline-none first:pt-0 last:pb-0 sm:grid-cols-[minmax(0,1fr)_11rem_7rem] sm:gap-x-4"
    >
      <div className="col-span-2 sm:col-span-1">
        <h3 className="text-sm font-medium text-zinc-900">{retryGroupCopy[group].label}</h3>
        <p className="mt-0.5 text-sm text-zinc-500">{retryGroupCopy[group].hint}</p>
        {rowError ? <p className="mt-1 text-sm text-red-700">{rowError}</p> : null}
      </div>
      <Field id={fieldId(`${base}.strategy`)} label="Strategy" error={strategyError} hint={strategyCopy[rule.strategy].hint}>
        <Select
          id={fieldId(`${base}.strategy`)}
          value={rule.strategy}
          onChange={(e) => onStrategy(e.target.value as RetryStrategy)}
          aria-describedby={`${fieldId(`${base}.strategy`)}-${strategyError ? "error" : "hint"}`}
          className={readable}
        >
          {retryStrategies.map((strategy) => (
            <option key={strategy} value={strategy}>
              {strategyCopy[strategy].label}
            </option>
          ))}
        </Select>
      </Field>
      <Field id={fieldId(`${base}.maxRetries`)} label="Max retries" error={maxError} hint={none ? "None" : "1 to 10"}>
        <Input
          id={fieldId(`${base}.maxRetries`)}
          type="number"
          inputMode="numeric"
          min={1}
          max={10}
          step={1}
          value={rule.maxRetries}
          disabled={none}
          onChange={(e) => onMax(e.target.value)}
          invalid={Boolean(maxError)}
          className={readable}
        />
      </Field>
    </div>
  );
}


function SaveBar({
  dirty,
  pending,
  problems,
  savedVersion,
  nextVersion,
  onDiscard,
}: {
  dirty: boolean;
  pending: boolean;
  problems: number;
  savedVersion: number | null;
  nextVersion: number;
  onDiscard: () => void;
}) {
  let status: ReactNode;
  if (pending) status = "Saving…";
  else if (problems > 0)
    status = <span className="text-red-700">{problems === 1 ? "1 problem to fix" : `${problems} problems to fix`}</span>;
  else if (dirty) status = "Unsaved changes";
  else if (savedVersion !== null) status = <span className="text-emerald-700">Saved as version {savedVersion}</span>;
  else status = "No changes";
  return (
    <div
      className={cn(
        "z-20 border-zinc-200 px-4 py-3",
        // Stays in view while there is something to save or fix; otherwise it sits at the end of the form.
        dirty || pending || problems > 0
          ? "sticky bottom-0 -mx-4 border-t bg-white/95 backdrop-blur sm:mx-0 sm:rounded-xl sm:border sm:shadow-lg"
          : "rounded-xl border bg-white shadow-sm",
      )}
    >
      <div className="flex items-center justify-between gap-3">
        <p className="min-w-0 text-sm text-zinc-600" role="status" aria-live="polite">
          {status}
          <span className="hidden text-zinc-400 md:inline">{dirty && !pending ? " · Ctrl+S saves" : ""}</span>
        </p>
        <div className="flex shrink-0 gap-2">
          {dirty ? (
            <Button type="button" variant="ghost" onClick={onDiscard} disabled={pending}>
              Discard
            </Button>
          ) : null}
          <Button type="submit" pending={pending} disabled={!dirty}>
            Save as version {nextVersion}
          </Button>
        </div>
      </div>
    </div>
  );
}
