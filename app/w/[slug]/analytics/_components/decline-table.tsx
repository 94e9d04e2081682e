import type { DeclineRow } from "@/server/analytics/breakdown";
import { categoryHelp, categoryLabels, humanizeCode } from "../../recoveries/_components/labels";
import { count } from "./analytics-format";
import { RateWithInterval } from "./rate-cells";

const th = "px-3 py-2 text-right font-medium align-bottom";
const td = "px-3 py-2 text-right tabular-nums align-top";

/**
 * Recovery rate per decline category or code: treatment figures (closed,
 * recovered, rate with its 95% interval, still open) and the holdout's rate
 * beside them. Scrolls sideways on a narrow screen.
 */
export function DeclineTable({
  rows,
  by,
  caption,
  testId,
  total,
}: {
  rows: DeclineRow[];
  by: "category" | "code";
  caption: string;
  testId: string;
  /** A last row with every decline together. */
  total?: Pick<DeclineRow, "treatment" | "holdout">;
}) {
  if (rows.length === 0) {
    return (
      <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
        No recovery case was opened in this period.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm" data-testid={testId}>
      <table className="w-full min-w-[46rem] text-sm">
        <caption className="border-b border-zinc-100 px-4 py-3 text-left text-sm font-semibold text-zinc-900">{caption}</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 text-left font-medium align-bottom">
              {by === "category" ? "Decline category" : "Decline code"}
            </th>
            <th scope="col" className={th}>
              Closed
            </th>
            <th scope="col" className={th}>
              Recovered
            </th>
            <th scope="col" className={th}>
              Recovery rate
              <span className="block font-normal text-zinc-400">95% interval</span>
            </th>
            <th scope="col" className={th}>
              Still open
            </th>
            <th scope="col" className={th}>
              Holdout closed
            </th>
            <th scope="col" className={`${th} pr-4`}>
              Holdout rate
              <span className="block font-normal text-zinc-400">no outreach</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="py-2 pl-4 pr-3 text-left font-normal text-zinc-800 align-top">
                {by === "category" ? (
                  <>
                    {categoryLabels[row.key] ?? humanizeCode(row.key)}
                    {categoryHelp[row.key] ? <span className="block max-w-64 text-xs text-zinc-500">{categoryHelp[row.key]}</span> : null}
                  </>
                ) : (
                  <>
                    <span className="font-mono text-xs text-zinc-900">{row.key}</span>
                    <span className="block text-xs text-zinc-500">
                      {humanizeCode(row.key)}
                      {row.categories.length > 0 ? ` · ${row.categories.map((c) => categoryLabels[c] ?? humanizeCode(c)).join(", ")}` : ""}
                    </span>
                  </>
                )}
              </th>
              <td className={td}>{count(row.treatment.closed)}</td>
              <td className={td}>{count(row.treatment.recovered)}</td>
              <td className={td}>
                <RateWithInterval cell={row.treatment} />
              </td>
              <td className={td}>{count(row.treatment.open)}</td>
              <td className={td}>{count(row.holdout.closed)}</td>
              <td className={`${td} pr-4`}>
                <RateWithInterval cell={row.holdout} />
              </td>
            </tr>
          ))}
        </tbody>
        {total ? (
          <tfoot className="border-t border-zinc-200 bg-zinc-50">
            <tr>
              <th scope="row" className="py-2 pl-4 pr-3 text-left font-medium text-zinc-900 align-top">
                All declines
              </th>
              <td className={td}>{count(total.treatment.closed)}</td>
              <td className={td}>{count(total.treatment.recovered)}</td>
              <td className={td}>
                <RateWithInterval cell={total.treatment} />
              </td>
              <td className={td}>{count(total.treatment.open)}</td>
              <td className={td}>{count(total.holdout.closed)}</td>
              <td className={`${td} pr-4`}>
                <RateWithInterval cell={total.holdout} />
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
