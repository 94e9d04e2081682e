import type { Metadata } from "next";
import { FileChartColumn, Printer } from "lucide-react";
import { PeriodPicker } from "@/components/console/period-picker";
import { ModeBadge } from "@/components/console/mode-banner";
import { ButtonLink } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import type { LiftComparison } from "@/server/analytics/lift";
import { describePeriod, periodFromSearchParams, periodSearchParams } from "@/server/analytics/period";
import { DEFAULT_REPORT_PERIOD } from "@/server/api/routers/reports";
import { can } from "@/server/auth/permissions";
import { getConsoleWorkspace } from "@/server/console";
import { LocalTime } from "../recoveries/_components/format";
import { DownloadLink, ExportNotAllowed } from "./_components/downloads";
import { LiftExplainer } from "./_components/explainer";
import { JournalSection } from "./_components/journal-section";
import { ComparisonFigures } from "./_components/lift-figures";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const { input: period, error: periodError } = periodFromSearchParams(await searchParams, DEFAULT_REPORT_PERIOD);
  const [lift, journal] = await Promise.all([
    api.reports.lift({ workspaceId: workspace.id, period }),
    api.reports.journal({ workspaceId: workspace.id, period }),
  ]);
  const canExport = can(workspace.role, "reports.export");
  const sandbox = workspace.mode === "sandbox";
  const periodText = describePeriod(lift.period);
  const total = lift.overall.treatment.cases + lift.overall.holdout.cases;
  const query = new URLSearchParams(periodSearchParams(period)).toString();

  return (
    <>
      <PageHeader
        title="Reports"
        description="What Reclaim recovered beyond what customers would have paid anyway, measured against a holdout group that got no outreach, and every recovered payment for the books."
        action={
          <ButtonLink
            href={`/w/${workspace.slug}/reports/print?${query}`}
            variant="secondary"
            className="shrink-0 whitespace-nowrap print:hidden"
          >
            <Printer className="size-4" aria-hidden="true" />
            Print view
          </ButtonLink>
        }
      />

      <div className="space-y-10">
        <section
          aria-label="Period of the report"
          className="space-y-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm print:hidden"
        >
          <PeriodPicker value={period} error={periodError} />
          <p className="text-sm text-zinc-600" data-testid="report-scope">
            <span className="font-medium text-zinc-900">{lift.period.label}</span>: {periodText}. Outcomes as of{" "}
            <LocalTime date={lift.now} className="font-medium text-zinc-900" />
            {sandbox ? " (the sandbox clock)" : ""}. <ModeBadge mode={workspace.mode} /> figures only.
          </p>
        </section>

        <section aria-labelledby="lift" className="space-y-5" data-testid="lift-report">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
            <div>
              <h2 id="lift" className="text-lg font-semibold text-zinc-900">
                Holdout lift
              </h2>
              <p className="mt-1 max-w-2xl text-sm text-zinc-600">
                Recovery cases <strong>opened</strong> {periodText}, treatment against holdout: how often each group paid, how much it paid,
                and the difference Reclaim made, with a 95% interval and a p-value.
              </p>
            </div>
            {canExport ? (
              <div className="flex flex-col gap-2 sm:flex-row">
                <DownloadLink slug={workspace.slug} file="lift-summary" period={period}>
                  Summary CSV
                </DownloadLink>
                <DownloadLink slug={workspace.slug} file="lift-cases" period={period}>
                  Case rows CSV
                </DownloadLink>
              </div>
            ) : null}
          </div>
          {canExport ? null : <ExportNotAllowed role={workspace.role} />}

          {total === 0 ? (
            <EmptyState
              icon={FileChartColumn}
              title="No cases opened in this period"
              action={
                sandbox ? (
                  <ButtonLink href={`/w/${workspace.slug}/sandbox`} variant="secondary">
                    Open the sandbox
                  </ButtonLink>
                ) : null
              }
            >
              <p>
                The report compares recovery cases opened {periodText}, and there are none. Choose a longer period above
                {sandbox ? "" : ", or come back once your billing system has reported failed payments"}.
              </p>
              {sandbox ? (
                <p className="mt-2">
                  To see it work in this sandbox, an owner or admin can simulate failed renewals on the Sandbox page (a realistic mix, a few
                  batches) and move the test clock about 35 days forward so the cases close, or load a few months of history with{" "}
                  <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs">
                    npm run reclaim -- seed:history --workspace {workspace.slug}
                  </code>
                  .
                </p>
              ) : null}
            </EmptyState>
          ) : (
            <>
              {lift.notices.length > 0 ? (
                <div className="space-y-2">
                  {lift.notices.map((notice) => (
                    <Alert key={notice} tone="info">
                      {notice}
                    </Alert>
                  ))}
                </div>
              ) : null}
              <div data-testid="lift-overall">
                <ComparisonFigures comparison={lift.overall} />
              </div>
              <BySequence comparisons={lift.sequences} />
            </>
          )}
        </section>

        <JournalSection
          journal={journal}
          periodText={periodText}
          download={
            canExport ? (
              <DownloadLink slug={workspace.slug} file="journal" period={period}>
                Journal CSV
              </DownloadLink>
            ) : null
          }
        />

        <LiftExplainer report={lift} />
      </div>
    </>
  );
}

function BySequence({ comparisons }: { comparisons: LiftComparison[] }) {
  if (comparisons.length === 0) return null;
  if (comparisons.length === 1) {
    const only = comparisons[0]!;
    return (
      <p className="text-sm text-zinc-600">
        Every case in this period followed one sequence, “{only.label}”
        {only.sequence?.holdoutPercent != null ? ` (holdout share ${only.sequence.holdoutPercent}%)` : ""}, so its figures are the ones
        above.
      </p>
    );
  }
  return (
    <section aria-labelledby="by-sequence" className="space-y-4">
      <h3 id="by-sequence" className="text-base font-semibold text-zinc-900">
        By sequence
      </h3>
      {comparisons.map((comparison) => (
        <details
          key={comparison.key}
          className="group rounded-xl border border-zinc-200 bg-white shadow-sm print:shadow-none"
          data-testid={`lift-sequence-${comparison.key}`}
        >
          <summary className="flex cursor-pointer flex-wrap items-baseline justify-between gap-2 px-4 py-3 focus-visible:outline-2 focus-visible:outline-brand-500">
            <span className="font-medium text-zinc-900">{comparison.label}</span>
            <span className="text-xs text-zinc-500">
              {comparison.treatment.cases} treatment · {comparison.holdout.cases} holdout
              {comparison.sequence?.holdoutPercent != null ? ` · holdout share ${comparison.sequence.holdoutPercent}%` : ""}
            </span>
          </summary>
          <div className="border-t border-zinc-100 p-4">
            <ComparisonFigures comparison={comparison} headingLevel={4} />
          </div>
        </details>
      ))}
    </section>
  );
}
