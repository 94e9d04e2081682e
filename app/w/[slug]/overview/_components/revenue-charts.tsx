"use client";

import { useId, useState } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { cn } from "@/components/ui/cn";
import { formatMoney, Money } from "../../recoveries/_components/format";
import { compactMoney, formatBucket, formatDay } from "./overview-format";
import { ChartFigure, chartStyle, filledChartProps } from "@/components/ui/chart-figure";

export type ChartPoint = { start: string; end: string; recovered: number | null; atRisk: number | null };
export type ChartSeries = { currency: string; points: ChartPoint[] };

const RECOVERED_COLOR = "#059669"; // emerald-600
const AT_RISK_COLOR = "#d97706"; // amber-600

/**
 * Recovered and at-risk revenue over time, one currency at a time (a switcher
 * when there are several: amounts in different currencies are never drawn on
 * one axis). Each chart has a title and a one-sentence description for screen
 * readers, is keyboard-navigable (recharts' accessibility layer: focus it and
 * use the arrow keys), and has the same numbers in a table under "Show the
 * numbers".
 */
export function RevenueCharts({ series, unit }: { series: ChartSeries[]; unit: "day" | "week" }) {
  const [currency, setCurrency] = useState(series[0]?.currency ?? "");
  const switcherId = useId();
  const current = series.find((s) => s.currency === currency) ?? series[0];
  if (!current) return null;
  const code = current.currency.toUpperCase();

  return (
    <div className="space-y-4">
      {series.length > 1 ? (
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-zinc-800">Currency</legend>
          <div className="flex flex-wrap gap-2">
            {series.map((s) => (
              <label
                key={s.currency}
                className={cn(
                  "inline-flex min-h-10 cursor-pointer items-center rounded-md border px-3 text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
                  s.currency === current.currency ? "border-brand-600 bg-brand-50 text-brand-700" : "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50",
                )}
              >
                <input
                  type="radio"
                  name={`${switcherId}-currency`}
                  value={s.currency}
                  checked={s.currency === current.currency}
                  onChange={() => setCurrency(s.currency)}
                  className="sr-only"
                />
                {s.currency.toUpperCase()}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <SeriesFigure
          kind="recovered"
          title={`Recovered per ${unit} (${code})`}
          series={current}
          unit={unit}
        />
        <SeriesFigure
          kind="atRisk"
          title={`At risk at the end of each ${unit} (${code})`}
          series={current}
          unit={unit}
        />
      </div>
    </div>
  );
}

function describe(kind: "recovered" | "atRisk", series: ChartSeries) {
  const known = series.points.filter((p) => p[kind] !== null);
  const values = known.map((p) => p[kind] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  const maxIndex = values.reduce((best, v, i) => (v > (values[best] ?? -Infinity) ? i : best), 0);
  const peak = known[maxIndex];
  const last = known.at(-1);
  return { total, peak, peakValue: values[maxIndex] ?? 0, lastValue: last ? (last[kind] ?? 0) : 0, count: known.length };
}

function SeriesFigure({
  kind,
  title,
  series,
  unit,
}: {
  kind: "recovered" | "atRisk";
  title: string;
  series: ChartSeries;
  unit: "day" | "week";
}) {
  const { currency, points } = series;
  const data = points.map((p) => ({ label: formatBucket(p.start, p.end, unit), value: p[kind] }));
  const d = describe(kind, series);
  const color = kind === "recovered" ? RECOVERED_COLOR : AT_RISK_COLOR;
  const plain = (amount: number) => formatMoney(amount, currency, "en-US");
  const sentence =
    kind === "recovered"
      ? d.total === 0
        ? `Nothing was recovered in ${currency.toUpperCase()} in this period.`
        : `${plain(d.total)} recovered over ${d.count} ${unit}s; the most, ${plain(d.peakValue)}, ${unit === "day" ? "on" : "in the week of"} ${d.peak ? formatDay(d.peak.start) : ""}.`
      : `At risk went from ${plain(points[0]?.atRisk ?? 0)} at the end of the first ${unit} to ${plain(d.lastValue)} at the end of the last one so far; the highest was ${plain(d.peakValue)}.`;

  const axis = chartStyle.tick;
  const tooltip = (
    <Tooltip
      formatter={(value) => [typeof value === "number" ? formatMoney(value, currency) : "—", kind === "recovered" ? "Recovered" : "At risk"]}
      cursor={chartStyle.cursor}
    />
  );
  const common = {
    data,
    ...filledChartProps(title, sentence, { top: 8, right: 8, bottom: 0, left: 0 }),
  };

  return (
    <ChartFigure
      title={title}
      description={sentence}
      chartClassName="h-56"
      tableClassName="max-h-72 overflow-auto"
      table={
        <>
          <thead className="text-xs text-zinc-500">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                {unit === "day" ? "Day (UTC)" : "Week (UTC)"}
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                {kind === "recovered" ? "Recovered" : "At risk at the end"}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {points.map((p) => (
              <tr key={p.start}>
                <th scope="row" className="py-1 pr-3 font-normal text-zinc-700">
                  {formatBucket(p.start, p.end, unit)}
                </th>
                <td className="py-1 text-right tabular-nums text-zinc-900">
                  {p[kind] === null ? <span title="After now">—</span> : <Money amount={p[kind] ?? 0} currency={currency} />}
                </td>
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      {kind === "recovered" ? (
        <BarChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={chartStyle.gridStroke} />
          <XAxis dataKey="label" tick={axis} tickLine={false} minTickGap={16} />
          <YAxis tick={axis} tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => compactMoney(v, currency)} />
          {tooltip}
          <Bar dataKey="value" name="Recovered" fill={color} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      ) : (
        <AreaChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={chartStyle.gridStroke} />
          <XAxis dataKey="label" tick={axis} tickLine={false} minTickGap={16} />
          <YAxis tick={axis} tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => compactMoney(v, currency)} />
          {tooltip}
          <Area
            type="linear"
            dataKey="value"
            name="At risk"
            stroke={color}
            fill={color}
            fillOpacity={0.15}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        </AreaChart>
      )}
    </ChartFigure>
  );
}
