import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { ArrowLeft, TriangleAlert } from "lucide-react";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { DIFFICULTY_FORMULA } from "@/server/analytics/difficulty";
import { getConsoleWorkspace } from "@/server/console";
import type { RecoveryCaseDetail } from "@/server/queries/recoveries";
import type { DeclineDetails } from "@/server/recovery/decline";
import { CaseStatusBadge, CategoryBadge, CohortBadge, Pill } from "../_components/badges";
import { LocalTime, Money } from "../_components/format";
import {
  actionOutcome,
  actionStatusLabels,
  actionStatusTones,
  actorLabels,
  attemptSourceLabels,
  categoryLabels,
  humanizeCode,
  recoveredViaLabels,
  stageLabels,
  stepLabel,
} from "../_components/labels";

export const metadata: Metadata = { title: "Recovery" };

async function loadCase(slug: string, caseId: string) {
  const { workspace, api } = await getConsoleWorkspace(slug);
  try {
    return { workspace, detail: await api.recovery.get({ workspaceId: workspace.id, caseId }) };
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
}

export default async function RecoveryCasePage({ params }: { params: Promise<{ slug: string; caseId: string }> }) {
  const { slug, caseId } = await params;
  const { workspace, detail } = await loadCase(slug, caseId);
  const { recoveryCase: c, customer, invoice, subscription, decline, siblings } = detail;
  const base = `/w/${workspace.slug}/recoveries`;
  const emails = `/w/${workspace.slug}/emails`;
  const who = customer.name ?? customer.email ?? "Unknown customer";
  const invoiceLabel = invoice.number ?? invoice.externalId;

  return (
    <div className="space-y-6">
      <Link href={base} className="inline-flex min-h-10 items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline">
        <ArrowLeft className="size-4" aria-hidden="true" />
        Recoveries
      </Link>

      <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900">{who}</h1>
          <p className="mt-1 break-words text-sm text-zinc-600">
            {customer.name && customer.email ? `${customer.email} · ` : ""}Invoice {invoiceLabel}
          </p>
          <div className="mt-3 flex flex-wrap items-center gap-1.5">
            <CaseStatusBadge status={c.status} />
            {c.status === "open" ? <Pill tone="neutral">{stageLabels[c.stage]}</Pill> : null}
            <CohortBadge cohort={c.cohort} />
            <CategoryBadge category={c.declineCategory} />
          </div>
        </div>
        <div className="sm:text-right">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Amount due</p>
          <Money amount={c.amount} currency={c.currency} className="text-2xl font-semibold tabular-nums text-zinc-900" />
          {c.status === "recovered" && c.recoveredAmount != null ? (
            <p className="text-sm text-emerald-700">
              Recovered <Money amount={c.recoveredAmount} currency={c.currency} />
            </p>
          ) : null}
        </div>
      </header>

      {c.status === "silenced" || c.needsAttention ? <AttentionCallout category={c.declineCategory} status={c.status} /> : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Why Reclaim treats it this way" />
            <div className="space-y-3 p-5 text-sm">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium text-zinc-900">{decline.label ?? humanizeCode(c.declineCode)}</span>
                <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">{c.declineCode}</code>
                {c.adviceCode ? (
                  <span className="text-zinc-600">
                    advice code <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">{c.adviceCode}</code>
                  </span>
                ) : null}
              </p>
              <p className="leading-6 text-zinc-700">
                <span className="font-medium">{categoryLabels[c.declineCategory] ?? c.declineCategory}.</span> {decline.explanation}
              </p>
              {c.cohort === "holdout" ? (
                <p className="rounded-md bg-zinc-50 px-3 py-2 text-zinc-700">
                  This customer is in the <strong>holdout group</strong>: Reclaim deliberately makes no retry and sends no message, and
                  tracks the invoice like any other. Comparing holdout and treatment is how Reports measure what Reclaim adds.
                </p>
              ) : null}
            </div>
          </Card>

          <PlanSection detail={detail} emails={emails} />
          <TimelineSection detail={detail} emails={emails} />
          <AttemptsSection detail={detail} />
        </div>

        <aside className="space-y-6" aria-label="Case details">
          <Card>
            <CardHeader title="Details" />
            <dl className="divide-y divide-zinc-100 text-sm">
              <Detail label="Opened">
                <LocalTime date={c.openedAt} />
              </Detail>
              {c.closedAt ? (
                <Detail label="Closed">
                  <LocalTime date={c.closedAt} />
                </Detail>
              ) : null}
              {c.recoveredVia ? (
                <Detail label="Recovered through">
                  {recoveredViaLabels[c.recoveredVia] ?? c.recoveredVia}
                  {c.attributedEmailDay != null ? `, after the email of day ${c.attributedEmailDay}` : ""}
                </Detail>
              ) : null}
              <Detail label="Retries by Reclaim">{c.retryCount}</Detail>
              {c.lastAttemptAt ? (
                <Detail label="Last attempt">
                  <LocalTime date={c.lastAttemptAt} />
                </Detail>
              ) : null}
              <Detail label="Invoice">
                {invoiceLabel} · {humanizeCode(invoice.status)}
              </Detail>
              <Detail label="Subscription">
                {subscription ? `${subscription.planName ?? "Subscription"} · ${humanizeCode(subscription.status)}` : "None"}
              </Detail>
              <Detail label="Customer timezone">{customer.timezone}</Detail>
              <Detail label="Customer ID">
                <code className="break-all text-xs">{customer.externalId}</code>
              </Detail>
              {c.cardUpdaterResult ? <Detail label="Card updater">{c.cardUpdaterResult}</Detail> : null}
            </dl>
          </Card>

          <DifficultyCard detail={detail} />

          {siblings.length > 0 ? (
            <Card>
              <CardHeader
                title="Same customer"
                description="These invoices share one series of emails: a single card update pays them all."
              />
              <ul className="divide-y divide-zinc-100">
                {siblings.map((s) => (
                  <li key={s.id}>
                    <Link
                      href={`${base}/${s.id}`}
                      className="flex min-h-11 items-center justify-between gap-3 px-5 py-3 text-sm hover:bg-zinc-50"
                    >
                      <span className="min-w-0 truncate font-medium text-brand-700">{s.invoiceNumber ?? s.invoiceExternalId}</span>
                      <span className="flex shrink-0 items-center gap-2">
                        <Money amount={s.amount} currency={s.currency} className="tabular-nums text-zinc-700" />
                        <CaseStatusBadge status={s.status} />
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </aside>
      </div>
    </div>
  );
}

const scoreTone = (score: number) => (score <= 33 ? "bg-emerald-500" : score <= 66 ? "bg-amber-500" : "bg-red-500");

/** The difficulty score (server/analytics/difficulty.ts), part by part, with the rules it follows. */
function DifficultyCard({ detail }: { detail: RecoveryCaseDetail }) {
  const { score, parts, inputs } = detail.difficulty;
  return (
    <Card>
      <CardHeader
        title="Difficulty"
        description={
          inputs.open
            ? "How hard this case is to recover so far, from 1 (easy) to 100 (hardest). It changes while the case is open."
            : "How hard this case was to recover, from 1 (easy) to 100 (hardest)."
        }
      />
      <div className="space-y-4 p-5 text-sm">
        <div>
          <p className="flex items-baseline gap-1">
            <span className="text-3xl font-semibold tabular-nums text-zinc-900" data-testid="difficulty-score">
              {score}
            </span>
            <span className="text-zinc-500">/ 100</span>
          </p>
          <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
            <div className={cn("h-full rounded-full", scoreTone(score))} style={{ width: `${score}%` }} />
          </div>
        </div>
        <table className="w-full text-left">
          <caption className="sr-only">Difficulty score, part by part</caption>
          <thead className="text-xs font-medium uppercase tracking-wide text-zinc-500">
            <tr>
              <th scope="col" className="pb-1 pr-3 font-medium">
                Part
              </th>
              <th scope="col" className="pb-1 text-right font-medium">
                Points
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {parts.map((part) => (
              <tr key={part.label} className="align-top">
                <th scope="row" className="py-2 pr-3 font-normal">
                  <span className="block font-medium text-zinc-900">{part.label}</span>
                  <span className="block text-xs text-zinc-500">{part.explanation}</span>
                </th>
                <td className="whitespace-nowrap py-2 text-right tabular-nums text-zinc-900">
                  {part.points} <span className="text-xs text-zinc-500">of {part.max}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <details className="text-zinc-700">
          <summary className="cursor-pointer font-medium text-brand-700 underline decoration-dotted">How this is scored</summary>
          <ul className="mt-2 list-disc space-y-1.5 pl-5 leading-6">
            {DIFFICULTY_FORMULA.map((rule) => (
              <li key={rule}>{rule}</li>
            ))}
          </ul>
        </details>
      </div>
    </Card>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 px-5 py-2.5 lg:grid-cols-1 lg:gap-0.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 text-zinc-900">{children}</dd>
    </div>
  );
}

function AttentionCallout({ category, status }: { category: string; status: string }) {
  const [title, body] =
    category === "do_not_contact"
      ? [
          "Needs your attention: do not contact",
          "The card issuer reported this card as lost, stolen, fraudulent or blocked for your business. Reclaim made no retry and sent no message, and will not. Check the account for fraud before anything else; if the customer is genuine, contact them yourself and ask for a new payment method.",
        ]
      : category === "revoked" || status === "cancelled"
        ? [
            "Needs your attention: payment authorisation revoked",
            "The customer told their bank to stop paying you, so Reclaim treats this as a cancellation and does not dun them. Confirm with the customer whether they meant to cancel, and cancel the subscription in your billing system if so.",
          ]
        : ["Needs your attention", "Reclaim stopped working on this case and flagged it for you to review."];
  return (
    <section
      role="note"
      aria-label={title}
      className="flex gap-3 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950"
    >
      <TriangleAlert className="mt-0.5 size-5 shrink-0 text-amber-600" aria-hidden="true" />
      <div>
        <h2 className="font-semibold">{title}</h2>
        <p className="mt-1 leading-6">{body}</p>
      </div>
    </section>
  );
}

function EmailLink({ messageId, emails }: { messageId: string | null; emails: string }) {
  if (!messageId) return null;
  return (
    <Link href={`${emails}/${messageId}`} className="font-medium text-brand-700 underline">
      View the email
    </Link>
  );
}

function PlanSection({ detail, emails }: { detail: RecoveryCaseDetail; emails: string }) {
  const { actions, recoveryCase: c, siblings } = detail;
  const pending = actions.filter((a) => a.status === "pending" || a.status === "running").length;
  const description =
    actions.length === 0
      ? undefined
      : pending > 0
        ? `${pending} of ${actions.length} steps still to come. Retries and emails are timed in the customer's timezone.`
        : "Every step has run or was called off. Each one says what happened.";
  return (
    <Card>
      <CardHeader title="Plan" description={description} />
      <PlanProgress detail={detail} />
      {actions.length === 0 ? (
        <p className="px-5 py-6 text-sm text-zinc-600">
          {c.status === "silenced"
            ? "Nothing is planned: a do-not-contact decline gets no retries and no messages."
            : c.status === "cancelled"
              ? "Nothing is planned: a revoked authorisation is a cancellation, not something to dun."
              : "Nothing is planned for this case."}
        </p>
      ) : (
        <ol className="divide-y divide-zinc-100">
          {actions.map((action) => {
            const outcome = actionOutcome(action);
            const shared = action.kind === "email" && siblings.length > 0;
            const calledOff = action.status === "cancelled" || action.status === "skipped";
            return (
              <li key={action.id} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-start sm:gap-4">
                <div className="min-w-0 flex-1">
                  <p className={cn("text-sm font-medium", calledOff ? "text-zinc-500" : "text-zinc-900")}>
                    {stepLabel(action.step)}
                    {shared ? (
                      <span className="ml-2 text-xs font-normal text-zinc-500">for all of this customer&apos;s invoices</span>
                    ) : null}
                  </p>
                  <p className="text-xs text-zinc-500">
                    {action.status === "pending" || action.status === "running" ? "Due" : "Was due"} <LocalTime date={action.dueAt} />
                  </p>
                  {outcome || action.messageId ? (
                    <p className="mt-1 text-sm text-zinc-700">
                      {outcome} <EmailLink messageId={action.messageId} emails={emails} />
                    </p>
                  ) : null}
                  {action.lastError && (action.status === "failed" || action.status === "pending") ? (
                    <TechnicalDetails text={action.lastError} />
                  ) : null}
                </div>
                <div className="shrink-0">
                  <Pill tone={actionStatusTones[action.status]}>{actionStatusLabels[action.status] ?? action.status}</Pill>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

const calledOffStatuses = new Set(["cancelled", "skipped"]);

/**
 * Where the plan stands: retries made and emails sent against those still
 * planned (steps called off are not counted as planned), and the billing
 * provider's own retries beside Reclaim's.
 */
function PlanProgress({ detail }: { detail: RecoveryCaseDetail }) {
  const { actions, attempts } = detail;
  const providerRetries = attempts.filter((a) => a.source === "provider_retry").length;
  const rows = [
    { kind: "retry", label: "Retries by Reclaim", verb: "made" },
    { kind: "email", label: "Emails", verb: "sent" },
  ].flatMap(({ kind, label, verb }) => {
    const steps = actions.filter((a) => a.kind === kind);
    if (steps.length === 0) return [];
    const done = steps.filter((a) => a.status === "done").length;
    const calledOff = steps.filter((a) => calledOffStatuses.has(a.status)).length;
    const planned = steps.length - calledOff;
    return [{ kind, label, verb, done, planned, calledOff }];
  });
  if (rows.length === 0 && providerRetries === 0) return null;
  return (
    <div className="grid grid-cols-1 gap-4 border-b border-zinc-100 px-5 py-4 sm:grid-cols-2">
      {rows.map((row) => (
        <div key={row.kind} className="text-sm">
          <p id={`progress-${row.kind}`} className="flex items-baseline justify-between gap-2">
            <span className="font-medium text-zinc-900">{row.label}</span>
            <span className="tabular-nums text-zinc-700">
              {row.done} of {row.planned} {row.verb}
            </span>
          </p>
          <progress
            aria-labelledby={`progress-${row.kind}`}
            value={row.done}
            max={Math.max(row.planned, 1)}
            className="mt-1.5 block h-2 w-full overflow-hidden rounded-full bg-zinc-100 [&::-moz-progress-bar]:bg-brand-500 [&::-webkit-progress-bar]:bg-zinc-100 [&::-webkit-progress-value]:bg-brand-500"
          />
          {row.calledOff > 0 ? (
            <p className="mt-1 text-xs text-zinc-500">
              {row.calledOff} more {row.calledOff === 1 ? "was" : "were"} called off.
            </p>
          ) : null}
        </div>
      ))}
      {providerRetries > 0 ? (
        <p className="text-sm text-zinc-700 sm:col-span-2">
          The billing provider also retried the charge {providerRetries} {providerRetries === 1 ? "time" : "times"} on its own.
        </p>
      ) : null}
    </div>
  );
}

/** An error as it was recorded, folded away: it is for whoever debugs, not the first thing a merchant reads. */
function TechnicalDetails({ text }: { text: string }) {
  return (
    <details className="mt-1 text-xs text-zinc-600">
      <summary className="cursor-pointer font-medium text-zinc-700 underline decoration-dotted">Technical details</summary>
      <p className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono">{text}</p>
    </details>
  );
}

/** What the provider said of a decline besides the codes shown, in its own words; only the facts it gave. */
const declineFactLabels: [keyof DeclineDetails, string][] = [
  ["message", "Message"],
  ["code", "Error code"],
  ["outcomeType", "Outcome"],
  ["outcomeReason", "Outcome reason"],
  ["networkStatus", "Network status"],
  ["networkDeclineCode", "Network decline code"],
  ["networkAdviceCode", "Network advice code"],
  ["riskLevel", "Risk level"],
];

function DeclineFacts({ details }: { details: DeclineDetails | null }) {
  const facts = details ? declineFactLabels.filter(([key]) => details[key]) : [];
  if (!details || facts.length === 0) return null;
  return (
    <details className="mt-1 text-xs text-zinc-600">
      <summary className="cursor-pointer font-medium text-zinc-700 underline decoration-dotted">What the bank said</summary>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 rounded bg-zinc-50 p-2">
        {facts.map(([key, label]) => (
          <div key={key} className="contents">
            <dt className="text-zinc-500">{label}</dt>
            <dd className="break-words text-zinc-800">{details[key]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

const LONG_TEXT = 280;

/** Timeline text, with an over-long tail (such as a recorded error) folded away. */
function LongText({ text }: { text: string }) {
  if (text.length <= LONG_TEXT) return <>{text}</>;
  const cut = text.lastIndexOf(" ", 200);
  return (
    <>
      {text.slice(0, cut > 80 ? cut : 200)}…
      <TechnicalDetails text={text} />
    </>
  );
}

const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const outcomeTones: Record<string, "green" | "red" | "amber" | "neutral" | "brand" | "sky" | "violet"> = {
  recovered: "green",
  sent: "green",
  failed: "red",
  hard: "amber",
  soft: "sky",
  do_not_contact: "red",
  revoked: "red",
  needs_authentication: "violet",
  requires_action: "violet",
  treatment: "brand",
  holdout: "neutral",
};

function TimelineSection({ detail, emails }: { detail: RecoveryCaseDetail; emails: string }) {
  const { timeline, siblings } = detail;
  return (
    <Card>
      <CardHeader
        title="Timeline"
        description="Everything that happened, in order, and why. Times are when it happened on the workspace's clock."
      />
      {timeline.length === 0 ? (
        <p className="px-5 py-6 text-sm text-zinc-600">Nothing has happened yet.</p>
      ) : (
        <ol className="px-5 py-4">
          {timeline.map((event, i) => (
            <li key={event.id} className="relative flex gap-3 pb-5 last:pb-0">
              {i < timeline.length - 1 ? <span className="absolute left-[5px] top-4 h-full w-px bg-zinc-300" aria-hidden="true" /> : null}
              <span
                className={cn(
                  "relative mt-1.5 size-[11px] shrink-0 rounded-full ring-2 ring-white",
                  event.outcome === "recovered" ? "bg-emerald-500" : event.outcome === "failed" ? "bg-red-500" : "bg-brand-500",
                )}
                aria-hidden="true"
              />
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
                  <LocalTime date={event.at} />
                  <span aria-hidden="true">·</span>
                  <span className="font-medium text-zinc-700">{actorLabels[event.actor] ?? event.actor}</span>
                  {event.caseId === null && siblings.length > 0 ? <span>· for all of this customer&apos;s invoices</span> : null}
                </p>
                <div className="mt-0.5 break-words text-sm leading-6 text-zinc-800">
                  <LongText text={event.summary} /> <EmailLink messageId={event.messageId} emails={emails} />
                </div>
                {event.outcome ? (
                  <div className="mt-1">
                    <Pill tone={outcomeTones[event.outcome] ?? "neutral"}>{sentenceCase(humanizeCode(event.outcome))}</Pill>
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function AttemptsSection({ detail }: { detail: RecoveryCaseDetail }) {
  const { attempts } = detail;
  return (
    <Card>
      <CardHeader title="Payment attempts" description="Every charge on this invoice, by whom, and what the bank answered." />
      {attempts.length === 0 ? (
        <p className="px-5 py-6 text-sm text-zinc-600">No charge attempts recorded.</p>
      ) : (
        <>
          <ol className="divide-y divide-zinc-100 sm:hidden">
            {attempts.map((a) => (
              <li key={a.id} className="space-y-1 px-5 py-3 text-sm">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="font-medium text-zinc-900">{attemptSourceLabels[a.source] ?? a.source}</p>
                    <p className="text-xs text-zinc-500">
                      <LocalTime date={a.at} style="short" />
                    </p>
                  </div>
                  <AttemptResult outcome={a.outcome} />
                </div>
                {a.declineCode ? (
                  <p className="flex flex-wrap items-center gap-1.5 text-xs text-zinc-600">
                    <code>{a.declineCode}</code>
                    {a.declineCategory ? <span>{categoryLabels[a.declineCategory] ?? a.declineCategory}</span> : null}
                    {a.adviceCode ? <span>advice: {a.adviceCode}</span> : null}
                  </p>
                ) : null}
                <DeclineFacts details={a.declineDetails} />
              </li>
            ))}
          </ol>
          <div className="hidden overflow-x-auto sm:block">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Payment attempts, oldest first</caption>
              <thead className="border-b border-zinc-100 bg-zinc-50 text-xs font-medium uppercase tracking-wide text-zinc-500">
                <tr>
                  <th scope="col" className="px-5 py-2">
                    When
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Attempt
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Result
                  </th>
                  <th scope="col" className="px-5 py-2">
                    Decline
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {attempts.map((a) => (
                  <tr key={a.id} className="align-top">
                    <td className="whitespace-nowrap px-5 py-2.5 text-zinc-700">
                      <LocalTime date={a.at} style="short" />
                    </td>
                    <td className="px-3 py-2.5 text-zinc-700">{attemptSourceLabels[a.source] ?? a.source}</td>
                    <td className="px-3 py-2.5">
                      <AttemptResult outcome={a.outcome} />
                    </td>
                    <td className="px-5 py-2.5 text-zinc-700">
                      {a.declineCode ? (
                        <span className="flex flex-wrap items-center gap-1.5">
                          <code className="text-xs">{a.declineCode}</code>
                          {a.declineCategory ? (
                            <span className="text-xs text-zinc-500">{categoryLabels[a.declineCategory] ?? a.declineCategory}</span>
                          ) : null}
                          {a.adviceCode ? <span className="text-xs text-zinc-500">advice: {a.adviceCode}</span> : null}
                        </span>
                      ) : (
                        <span className="text-zinc-400">—</span>
                      )}
                      <DeclineFacts details={a.declineDetails} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

function AttemptResult({ outcome }: { outcome: "succeeded" | "failed" | "requires_action" }) {
  return (
    <Pill tone={outcome === "succeeded" ? "green" : outcome === "failed" ? "red" : "violet"}>
      {outcome === "requires_action" ? "Needs authentication" : outcome === "succeeded" ? "Succeeded" : "Failed"}
    </Pill>
  );
}
