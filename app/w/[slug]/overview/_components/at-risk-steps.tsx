import type { AtRisk } from "@/server/analytics/overview";
import { Money } from "../../recoveries/_components/format";
import { formatShare, stepHelp, stepLabel } from "./overview-format";

/** Revenue at risk now by dunning step: one table per currency, each step's share of that currency's total. */
export function AtRiskSteps({ atRisk }: { atRisk: AtRisk[] }) {
  if (atRisk.length === 0) {
    return <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">No open invoice now.</p>;
  }
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {atRisk.map((a) => (
        <div key={a.currency} className="min-w-0 overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <caption className="border-b border-zinc-100 px-4 py-3 text-left text-sm font-semibold text-zinc-900">
              {a.currency.toUpperCase()}: <Money amount={a.amount} currency={a.currency} /> at risk
            </caption>
            <thead className="text-xs text-zinc-500">
              <tr>
                <th scope="col" className="py-2 pl-4 pr-2 font-medium">
                  Step
                </th>
                <th scope="col" className="px-2 py-2 text-right font-medium">
                  Invoices
                </th>
                <th scope="col" className="py-2 pl-2 pr-4 text-right font-medium">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {a.steps.map((s) => {
                const share = a.amount > 0 ? s.amount / a.amount : 0;
                return (
                  <tr key={s.key}>
                    <th scope="row" className="py-2 pl-4 pr-2 font-normal text-zinc-800" title={stepHelp(s)}>
                      {stepLabel(s)}
                      <div className="mt-1 h-1.5 w-full max-w-48 rounded-full bg-zinc-100" aria-hidden="true">
                        <div
                          className={s.kind === "holdout" ? "h-1.5 rounded-full bg-zinc-400" : "h-1.5 rounded-full bg-amber-500"}
                          style={{ width: `${Math.max(2, Math.round(share * 100))}%` }}
                        />
                      </div>
                    </th>
                    <td className="px-2 py-2 text-right tabular-nums text-zinc-700">{s.cases.toLocaleString("en-US")}</td>
                    <td className="py-2 pl-2 pr-4 text-right tabular-nums text-zinc-900">
                      <Money amount={s.amount} currency={a.currency} />
                      <span className="block text-xs text-zinc-500">{formatShare(share)}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
