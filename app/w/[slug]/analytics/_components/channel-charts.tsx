"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import type { CurrencyChannels } from "@/server/analytics/breakdown";
import { formatMoney, Money } from "../../recoveries/_components/format";
import { channelPhrases, compactMoney, count, formatShare } from "./analytics-format";
import { ChartFigure, chartStyle, filledChartProps } from "@/components/ui/chart-figure";

const BAR_COLOR = "#059669"; // emerald-600, as the Overview's recovered revenue

/**
 * Recovered revenue by channel, one figure per currency (amounts in different
 * currencies are never drawn on one axis): a horizontal bar per channel, a
 * title and a one-sentence description for screen readers, and the numbers in
 * a table under "Show the numbers".
 */
export function ChannelCharts({ revenue }: { revenue: CurrencyChannels[] }) {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {revenue.map((r) => (
        <ChannelFigure key={r.currency} data={r} />
      ))}
    </div>
  );
}

function ChannelFigure({ data }: { data: CurrencyChannels }) {
  const { currency } = data;
  const title = `Recovered revenue by channel (${currency})`;
  const plain = (amount: number) => formatMoney(amount, currency, "en-US");
  const top = [...data.channels].sort((a, b) => b.amount - a.amount)[0];
  const sentence =
    data.amount === 0 || !top
      ? `Nothing was recovered in ${currency} in this period.`
      : `${plain(data.amount)} recovered in ${currency} from ${count(data.cases)} ${data.cases === 1 ? "case" : "cases"}; the most through ${channelPhrases[top.channel] ?? top.label}, ${plain(top.amount)} (${formatShare(top.share)}).`;
  const rows = data.channels.map((c) => ({ label: c.label, amount: c.amount }));
  const axis = chartStyle.tick;

  return (
    <ChartFigure
      title={title}
      description={sentence}
      chartClassName="h-60"
      wideTable
      testId={`channel-revenue-${currency}`}
      table={
        <>
          <thead className="text-xs text-zinc-500">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                Channel
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Cases
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Recovered
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Share
              </th>
              <th scope="col" className="py-1 pl-2 text-right font-medium">
                Of which holdout
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {data.channels.map((c) => (
              <tr key={c.channel}>
                <th scope="row" className="py-1 pr-3 font-normal text-zinc-700">
                  {c.label}
                </th>
                <td className="px-2 py-1 text-right tabular-nums text-zinc-700">{count(c.cases)}</td>
                <td className="px-2 py-1 text-right tabular-nums text-zinc-900">
                  <Money amount={c.amount} currency={currency} />
                </td>
                <td className="px-2 py-1 text-right tabular-nums text-zinc-700">{formatShare(c.share)}</td>
                <td className="py-1 pl-2 text-right tabular-nums text-zinc-700">
                  {c.holdoutCases > 0 ? <Money amount={c.holdoutAmount} currency={currency} /> : "—"}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-zinc-200">
            <tr>
              <th scope="row" className="py-1 pr-3 font-medium text-zinc-900">
                Total
              </th>
              <td className="px-2 py-1 text-right font-medium tabular-nums text-zinc-900">{count(data.cases)}</td>
              <td className="px-2 py-1 text-right font-medium tabular-nums text-zinc-900">
                <Money amount={data.amount} currency={currency} />
              </td>
              <td className="px-2 py-1 text-right tabular-nums text-zinc-700">{formatShare(data.amount > 0 ? 1 : null)}</td>
              <td className="py-1 pl-2 text-right tabular-nums text-zinc-700">
                {data.holdoutAmount > 0 ? <Money amount={data.holdoutAmount} currency={currency} /> : "—"}
              </td>
            </tr>
          </tfoot>
        </>
      }
    >
      <BarChart
        layout="vertical"
        data={rows}
        {...filledChartProps(title, sentence, { top: 4, right: 12, bottom: 0, left: 0 })}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={chartStyle.gridStroke} />
        <XAxis type="number" tick={axis} tickLine={false} tickFormatter={(v: number) => compactMoney(v, currency)} />
        <YAxis type="category" dataKey="label" tick={axis} tickLine={false} axisLine={false} width={112} />
        <Tooltip
          formatter={(value) => [typeof value === "number" ? formatMoney(value, currency) : "—", "Recovered"]}
          cursor={chartStyle.cursor}
        />
        <Bar dataKey="amount" name="Recovered" fill={BAR_COLOR} radius={[0, 3, 3, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}
