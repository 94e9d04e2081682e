import type { Metadata } from "next";
import { LayoutDashboard } from "lucide-react";
import { PeriodPicker } from "@/components/console/period-picker";
import { Alert } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { describePeriod, periodFromSearchParams } from "@/server/analytics/period";
import { OVERVIEW_EXPORT_NOTES } from "@/server/analytics/overview-export";
import { can } from "@/server/auth/permissions";
import { getConsoleWorkspace } from "@/server/console";
import { DownloadLink, ExportNotAllowed } from "../reports/_components/downloads";
import { LocalTime } from "../recoveries/_components/format";
import { AtRiskSteps } from "./_components/at-risk-steps";
import { Definitions } from "./_components/definitions";
import { RecentCases } from "./_components/recent-cases";
import { RevenueCharts } from "./_components/revenue-charts";
import { SummaryCards } from "./_components/summary-cards";
import { NoHistoryYet } from "@/components/console/no-history-yet";

export const metadata: Metadata = { title: "Overview" };

function SectionTitle({ id, children, description }: { id: string; children: string; description?: string }) {
  return (
    <div className="mb-3">
      <h2 id={id} className="text-base font-semibold text-zinc-900">
        {children}
      </h2>
      {description ? <p className="mt-0.5 text-sm text-zinc-600">{description}</p> : null}
    </div>
  );
}

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const { input, error } = periodFromSearchParams(await searchParams);
  const overview = await api.overview.summary({ workspaceId: workspace.id, period: input });
  const sandbox = !overview.scope.livemode;
  const slug = workspace.slug;

  if (!overview.hasCases) {
    return (
      <>
        <PageHeader title="Overview" description={`What Reclaim has recovered for ${workspace.name}, and what is still at risk.`} />
        <NoHistoryYet
          slug={slug}
          sandbox={sandbox}
          icon={LayoutDashboard}
          title="Nothing to show yet"
          items={[
            "Recovered revenue per currency, against the previous period",
            "Revenue still at risk, by dunning step",
            "Recovery rate, active recoveries, attempts and email engagement",
            "Charts over time, and the latest recoveries and failures",
          ]}
          fillsWith="what it recovered"
        />
      </>
    );
  }

  const { period } = overview;
  const quiet =
    overview.recovered.every((r) => r.cases === 0) &&
    overview.recoveryRate.closed.total === 0 &&
    overview.recoveryRate.opened === 0 &&
    overview.attempts.total === 0;
  const chartSeries = overview.series.currencies.map((s) => ({
    currency: s.currency,
    points: s.points.map((p) => ({ start: p.start.toISOString(), end: p.end.toISOString(), recovered: p.recovered, atRisk: p.atRisk })),
  }));

  return (
    <>
      <PageHeader
        title="Overview"
        description={`What Reclaim has recovered for ${workspace.name}, and what is still at risk.`}
        action={<PeriodPicker value={input} error={error} />}
      />
      <p className="-mt-3 mb-6 text-sm text-zinc-600">
        <span className="font-medium text-zinc-800">{period.label}</span>: {describePeriod(period)}, compared with{" "}
        {describePeriod(period.previous)}.{" "}
        {sandbox ? (
          <>
            Sandbox figures only, on the test clock (now <LocalTime date={overview.scope.now} style="short" />
            ).
          </>
        ) : (
          "Live figures only."
        )}
      </p>

      <div className="space-y-8">
        {quiet ? (
          <Alert tone="info">
            Nothing was opened, closed or retried in this period. What is at risk now still shows; choose a longer period to see more.
          </Alert>
        ) : null}

        <section aria-labelledby="overview-figures">
          <h2 id="overview-figures" className="sr-only">
            Key figures
          </h2>
          <SummaryCards overview={overview} slug={slug} />
        </section>

        {chartSeries.length > 0 ? (
          <section aria-labelledby="overview-charts">
            <SectionTitle
              id="overview-charts"
              description={`Per ${overview.series.unit}, one currency at a time. At risk counts the invoices open at the end of each ${overview.series.unit}.`}
            >
              Over time
            </SectionTitle>
            <RevenueCharts series={chartSeries} unit={overview.series.unit} />
          </section>
        ) : null}

        <section aria-labelledby="overview-steps">
          <SectionTitle
            id="overview-steps"
            description="Open invoices by how far their customer's dunning has gone: the number of emails received so far, or the grace period."
          >
            At risk by dunning step
          </SectionTitle>
          <AtRiskSteps atRisk={overview.atRisk} />
        </section>

        <section aria-labelledby="overview-recent">
          <SectionTitle id="overview-recent" description="The newest cases closed in this period. Open one to see its timeline.">
            Recent outcomes
          </SectionTitle>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <RecentCases
              headingId="overview-recent-recoveries"
              title="Recent recoveries"
              items={overview.recentRecoveries}
              slug={slug}
              empty="No invoice was recovered in this period."
            />
            <RecentCases
              headingId="overview-recent-failures"
              title="Recent failures"
              items={overview.recentFailures}
              slug={slug}
              empty="No case was lost, silenced or cancelled in this period."
            />
          </div>
        </section>

        <section aria-labelledby="overview-export">
          <SectionTitle
            id="overview-export"
            description="One row per case this page counts, with the columns every figure above is computed from, so your team can check them in a spreadsheet."
          >
            The numbers behind this page
          </SectionTitle>
          <div className="space-y-3 rounded-xl border border-zinc-200 bg-white p-4 text-sm text-zinc-700 shadow-sm">
            <ul className="list-disc space-y-1 pl-5">
              {OVERVIEW_EXPORT_NOTES.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
            {can(workspace.role, "reports.export") ? (
              <DownloadLink slug={slug} file="overview-cases" period={input}>
                Download case rows (CSV)
              </DownloadLink>
            ) : (
              <ExportNotAllowed role={workspace.role} />
            )}
          </div>
        </section>

        <Definitions />
      </div>
    </>
  );
}
