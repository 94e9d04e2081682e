"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { DaysDistribution } from "@/server/analytics/breakdown";
import { count, formatDays } from "./analytics-format";
import { ChartFigure, chartStyle, filledChartProps } from "@/components/ui/chart-figure";

const TREATMENT_COLOR = "#4f46e5"; // indigo-600
const HOLDOUT_COLOR = "#a1a1aa"; // zinc-400

/**
 * How long recovered cases took, in buckets of whole days: a horizontal bar
 * per bucket for each cohort, with a title, a description and the numbers
 * under "Show the numbers".
 */
export function DaysChart({ days }: { days: DaysDistribution }) {
  const title = "Recovered cases by days to recovery";
  const { treatment, holdout } = days;
  const parts: string[] = [];
  if (treatment.cases > 0) {
    parts.push(
      `${count(treatment.cases)} treatment ${treatment.cases === 1 ? "case" : "cases"} recovered: median ${formatDays(treatment.median).toLowerCase()}, 90th percentile ${formatDays(treatment.p90).toLowerCase()}.`,
    );
  }
  if (holdout.cases > 0) {
    parts.push(`${count(holdout.cases)} holdout ${holdout.cases === 1 ? "case" : "cases"}: median ${formatDays(holdout.median).toLowerCase()}.`);
  }
  const sentence = parts.length > 0 ? parts.join(" ") : "No case was recovered in this period.";
  const rows = days.buckets.map((b) => ({ label: b.label, treatment: b.treatment, holdout: b.holdout }));
  const axis = chartStyle.tick;

  return (
    <ChartFigure
      title={title}
      description={sentence}
      chartClassName="h-80"
      testId="days-to-recovery"
      table={
        <>
          <thead className="text-xs text-zinc-500">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                Days to recovery
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Treatment
              </th>
              <th scope="col" className="py-1 pl-2 text-right font-medium">
                Holdout
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {days.buckets.map((b) => (
              <tr key={b.key}>
                <th scope="row" className="py-1 pr-3 font-normal text-zinc-700">
                  {b.label}
                </th>
                <td className="px-2 py-1 text-right tabular-nums text-zinc-900">{count(b.treatment)}</td>
                <td className="py-1 pl-2 text-right tabular-nums text-zinc-900">{count(b.holdout)}</td>
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      <BarChart
        layout="vertical"
        data={rows}
        {...filledChartProps(title, sentence, { top: 4, right: 12, bottom: 0, left: 0 })}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={chartStyle.gridStroke} />
        <XAxis type="number" allowDecimals={false} tick={axis} tickLine={false} />
        <YAxis type="category" dataKey="label" tick={axis} tickLine={false} axisLine={false} width={104} />
        <Tooltip cursor={chartStyle.cursor} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="treatment" name="Treatment" fill={TREATMENT_COLOR} radius={[0, 3, 3, 0]} isAnimationActive={false} />
        <Bar dataKey="holdout" name="Holdout" fill={HOLDOUT_COLOR} radius={[0, 3, 3, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}
