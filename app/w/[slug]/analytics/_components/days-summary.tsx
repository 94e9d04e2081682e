import type { DaysDistribution } from "@/server/analytics/breakdown";
import { count, formatDays } from "./analytics-format";

/** Median and 90th percentile of days to recovery, per cohort. */
export function DaysSummaryTable({ days }: { days: DaysDistribution }) {
  const rows = [
    { key: "treatment", label: "Treatment", help: "got Reclaim's retries and messages", summary: days.treatment },
    { key: "holdout", label: "Holdout", help: "got no outreach", summary: days.holdout },
  ];
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm" data-testid="days-summary">
      <table className="w-full min-w-[24rem] text-sm">
        <caption className="border-b border-zinc-100 px-4 py-3 text-left text-sm font-semibold text-zinc-900">Time to recover</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 text-left font-medium">
              Cohort
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Recovered cases
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Median
            </th>
            <th scope="col" className="py-2 pl-3 pr-4 text-right font-medium">
              90th percentile
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row" className="py-2 pl-4 pr-3 text-left font-normal text-zinc-900">
                {r.label}
                <span className="block text-xs text-zinc-500">{r.help}</span>
              </th>
              <td className="px-3 py-2 text-right tabular-nums">{count(r.summary.cases)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatDays(r.summary.median)}</td>
              <td className="py-2 pl-3 pr-4 text-right tabular-nums">{formatDays(r.summary.p90)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
