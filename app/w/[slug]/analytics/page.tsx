import type { Metadata } from "next";
import { ChartColumn } from "lucide-react";
import { PeriodPicker } from "@/components/console/period-picker";
import { Alert } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { SMS_NOTE } from "@/server/analytics/attribution";
import { describePeriod, periodFromSearchParams } from "@/server/analytics/period";
import { MIN_CASES_PER_GROUP } from "@/server/analytics/stats";
import { getConsoleWorkspace } from "@/server/console";
import { LocalTime } from "../recoveries/_components/format";
import { AttributionRules } from "./_components/attribution-rules";
import { ChannelCharts } from "./_components/channel-charts";
import { DaysChart } from "./_components/days-chart";
import { DaysSummaryTable } from "./_components/days-summary";
import { DeclineTable } from "./_components/decline-table";
import { Definitions } from "./_components/definitions";
import { SequenceTable } from "./_components/sequence-table";
import { NoHistoryYet } from "@/components/console/no-history-yet";

export const metadata: Metadata = { title: "Analytics" };

function SectionTitle({ id, children, description }: { id: string; children: string; description?: string }) {
  return (
    <div className="mb-3">
      <h2 id={id} className="text-base font-semibold text-zinc-900">
        {children}
      </h2>
      {description ? <p className="mt-0.5 max-w-3xl text-sm text-zinc-600">{description}</p> : null}
    </div>
  );
}

function Empty({ children }: { children: string }) {
  return <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">{children}</p>;
}

export default async function AnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const { input, error } = periodFromSearchParams(await searchParams);
  const analytics = await api.analytics.summary({ workspaceId: workspace.id, period: input });
  const sandbox = !analytics.scope.livemode;
  const slug = workspace.slug;
  const description = "Which declines Reclaim recovers, through which channels, how fast, and how your sequences compare.";

  if (!analytics.hasCases) {
    return (
      <>
        <PageHeader title="Analytics" description={description} />
        <NoHistoryYet
          slug={slug}
          sandbox={sandbox}
          icon={ChartColumn}
          title="Nothing to analyse yet"
          items={[
            "Recovery rate by decline category and decline code",
            "Recovered revenue by channel, per currency",
            "How many days recoveries take",
            "Your sequences compared",
          ]}
          fillsWith="what worked"
        />
      </>
    );
  }

  const { period, declines, revenue, days, sequences } = analytics;
  const smsCredited = revenue.some((r) => r.channels.some((c) => c.channel === "sms" && c.cases > 0));

  return (
    <>
      <PageHeader title="Analytics" description={description} action={<PeriodPicker value={input} error={error} />} />
      <p className="-mt-3 mb-6 text-sm text-zinc-600" data-testid="analytics-scope">
        <span className="font-medium text-zinc-800">{period.label}</span>: {describePeriod(period)}. Rates by decline and sequences take
        the cases <strong>opened</strong> in this period; revenue by channel and days to recovery the cases <strong>recovered</strong> in
        it.{" "}
        {sandbox ? (
          <>
            Sandbox figures only, on the test clock (now <LocalTime date={analytics.scope.now} style="short" />
            ).
          </>
        ) : (
          "Live figures only."
        )}
      </p>

      <div className="space-y-10">
        {analytics.notices.length > 0 ? (
          <div className="space-y-2">
            {analytics.notices.map((notice) => (
              <Alert key={notice} tone="info">
                {notice}
              </Alert>
            ))}
          </div>
        ) : null}

        <section aria-labelledby="analytics-declines" className="space-y-4">
          <SectionTitle
            id="analytics-declines"
            description={`Of the cases opened in this period that have closed, the share recovered, with its 95% interval. Treatment cases got Reclaim's retries and messages; the holdout rate shows what the same declines recover with no outreach. Rates over fewer than ${MIN_CASES_PER_GROUP} closed cases are marked “Too few to read”.`}
          >
            Recovery rate by decline
          </SectionTitle>
          <DeclineTable
            rows={declines.byCategory}
            by="category"
            caption="Recovery rate by decline category"
            testId="decline-categories"
            total={declines.total}
          />
          {declines.byCode.length > 0 ? (
            <DeclineTable rows={declines.byCode} by="code" caption="Recovery rate by decline code" testId="decline-codes" />
          ) : null}
        </section>

        <section aria-labelledby="analytics-channels" className="space-y-4">
          <SectionTitle
            id="analytics-channels"
            description="What the cases recovered in this period brought in, per currency, by the channel that recovered them under the rules below. Currencies are never added together."
          >
            Recovered revenue by channel
          </SectionTitle>
          {revenue.length === 0 ? <Empty>No case was recovered in this period.</Empty> : <ChannelCharts revenue={revenue} />}
          {smsCredited ? null : <p className="text-sm text-zinc-600">{SMS_NOTE}</p>}
          <AttributionRules />
        </section>

        <section aria-labelledby="analytics-days" className="space-y-4">
          <SectionTitle
            id="analytics-days"
            description="For the cases recovered in this period: the time from the failed charge that opened the case to the payment, in whole days."
          >
            Days to recovery
          </SectionTitle>
          {days.treatment.cases + days.holdout.cases === 0 ? (
            <Empty>No case was recovered in this period.</Empty>
          ) : (
            <div className="space-y-4">
              <DaysChart days={days} />
              <DaysSummaryTable days={days} />
            </div>
          )}
        </section>

        <section aria-labelledby="analytics-sequences" className="space-y-4">
          <SectionTitle
            id="analytics-sequences"
            description="Treatment cases opened in this period, by the sequence they follow (all its versions together). Holdout cases are left out: the Reports page compares each sequence with its holdout group."
          >
            Sequence comparison
          </SectionTitle>
          <SequenceTable sequences={sequences} />
        </section>

        <Definitions />
      </div>
    </>
  );
}
