import type { Metadata } from "next";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { describePeriod, periodFromSearchParams, periodSearchParams } from "@/server/analytics/period";
import { DEFAULT_REPORT_PERIOD } from "@/server/api/routers/reports";
import { getConsoleWorkspace } from "@/server/console";
import { LiftExplainer } from "../_components/explainer";
import { JournalSection } from "../_components/journal-section";
import { ComparisonFigures } from "../_components/lift-figures";
import { PrintButton } from "../_components/print-button";

export const metadata: Metadata = { title: "Holdout-lift report (print)" };

/**
 * The console layout's navigation is an <aside> and its phone bar a <header>: on paper they are hidden, and only the
 * report (and the mode banner, which says whether these are sandbox figures) is printed.
 */
const printStyles = `
@media print {
  @page { margin: 16mm 14mm; }
  body aside:not(#report-print *), body header:not(#report-print *) { display: none !important; }
  body { background: white !important; }
  #main { padding: 0 !important; }
}`;

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function PrintReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const { input: period, error } = periodFromSearchParams(await searchParams, DEFAULT_REPORT_PERIOD);
  const [lift, journal] = await Promise.all([
    api.reports.lift({ workspaceId: workspace.id, period }),
    api.reports.journal({ workspaceId: workspace.id, period }),
  ]);
  const periodText = describePeriod(lift.period);
  const total = lift.overall.treatment.cases + lift.overall.holdout.cases;
  const back = `/w/${workspace.slug}/reports?${new URLSearchParams(periodSearchParams(period)).toString()}`;

  return (
    <article id="report-print" className="space-y-8 text-zinc-900 print:space-y-6 print:text-[11pt]">
      <style>{printStyles}</style>
      <div className="flex flex-wrap items-center justify-between gap-3 print:hidden">
        <Link
          href={back}
          className="inline-flex min-h-10 items-center gap-1.5 text-sm font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          <ArrowLeft className="size-4" aria-hidden="true" />
          Back to reports
        </Link>
        <PrintButton />
      </div>

      <header className="border-b border-zinc-300 pb-4">
        <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">
          {workspace.name} · {workspace.mode === "live" ? "Live figures" : "Sandbox figures (simulated, no real money)"}
        </p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Holdout-lift report</h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-zinc-500">Cases</dt>
          <dd>opened {periodText}</dd>
          <dt className="text-zinc-500">Outcomes as of</dt>
          <dd>
            {utc(lift.now)}
            {workspace.mode === "sandbox" ? " (sandbox clock)" : ""}
          </dd>
          <dt className="text-zinc-500">Payments (journal)</dt>
          <dd>paid {periodText}</dd>
        </dl>
        {error ? (
          <p className="mt-2 text-sm text-red-700" role="alert">
            {error} Showing {lift.period.label.toLowerCase()} instead.
          </p>
        ) : null}
      </header>

      {total === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-4 py-3 text-sm">
          No recovery case was opened {periodText}: there is nothing to compare. Choose a longer period on the Reports page.
        </p>
      ) : (
        <section aria-labelledby="print-overall" className="space-y-4">
          <h2 id="print-overall" className="text-lg font-semibold">
            All sequences
          </h2>
          {lift.notices.length > 0 ? (
            <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700">
              {lift.notices.map((notice) => (
                <li key={notice}>{notice}</li>
              ))}
            </ul>
          ) : null}
          <ComparisonFigures comparison={lift.overall} />
        </section>
      )}

      {lift.sequences.length > 1
        ? lift.sequences.map((comparison) => (
            <section key={comparison.key} aria-labelledby={`print-${comparison.key}`} className="space-y-4 print:break-before-page">
              <h2 id={`print-${comparison.key}`} className="text-lg font-semibold">
                Sequence “{comparison.label}”
                {comparison.sequence?.holdoutPercent != null ? (
                  <span className="ml-2 text-sm font-normal text-zinc-500">holdout share {comparison.sequence.holdoutPercent}%</span>
                ) : null}
              </h2>
              <ComparisonFigures comparison={comparison} />
            </section>
          ))
        : null}

      <JournalSection journal={journal} periodText={periodText} showLatest={false} />

      <LiftExplainer report={lift} />

      <p className="border-t border-zinc-200 pt-3 text-xs text-zinc-500">
        Generated by Reclaim for {workspace.name} ({workspace.slug}). The CSV exports on the Reports page hold the case rows every figure
        above can be recomputed from.
      </p>
    </article>
  );
}
