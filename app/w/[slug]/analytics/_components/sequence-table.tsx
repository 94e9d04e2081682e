import type { SequenceComparison } from "@/server/analytics/breakdown";
import { Money } from "../../recoveries/_components/format";
import { count, formatDays } from "./analytics-format";
import { RateWithInterval } from "./rate-cells";

const th = "px-3 py-2 text-right font-medium align-bottom";
const td = "px-3 py-2 text-right tabular-nums align-top";

/** Treatment cases opened in the period, per sequence: counts, rate with interval, revenue per currency, median days. */
export function SequenceTable({ sequences }: { sequences: SequenceComparison[] }) {
  if (sequences.length === 0) {
    return (
      <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
        This workspace has no sequence yet.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm" data-testid="sequence-comparison">
      <table className="w-full min-w-[48rem] text-sm">
        <caption className="border-b border-zinc-100 px-4 py-3 text-left text-sm font-semibold text-zinc-900">
          Treatment cases opened in this period, by sequence
        </caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 text-left font-medium align-bottom">
              Sequence
            </th>
            <th scope="col" className={th}>
              Cases
            </th>
            <th scope="col" className={th}>
              Still open
            </th>
            <th scope="col" className={th}>
              Recovered
            </th>
            <th scope="col" className={th}>
              Recovery rate
              <span className="block font-normal text-zinc-400">of closed, 95% interval</span>
            </th>
            <th scope="col" className={th}>
              Recovered revenue
            </th>
            <th scope="col" className={`${th} pr-4`}>
              Median days to recover
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {sequences.map((s) => (
            <tr key={s.sequenceId}>
              <th scope="row" className="py-2 pl-4 pr-3 text-left font-normal text-zinc-900 align-top">
                {s.name}
                {s.isDefault ? <span className="block text-xs text-zinc-500">Default sequence</span> : null}
              </th>
              <td className={td}>{count(s.cases.opened)}</td>
              <td className={td}>{count(s.cases.open)}</td>
              <td className={td}>{count(s.cases.recovered)}</td>
              <td className={td}>
                <RateWithInterval cell={s.cases} />
              </td>
              <td className={td}>
                {s.revenue.length === 0 ? (
                  <span className="text-zinc-500">—</span>
                ) : (
                  <ul className="space-y-0.5">
                    {s.revenue.map((r) => (
                      <li key={r.currency}>
                        <Money amount={r.amount} currency={r.currency} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className={`${td} pr-4`}>{formatDays(s.days.median)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
