"use client";

import { useId, type ReactNode } from "react";
import { cn } from "./cn";

/**
 * A chart as a figure: its title and a one-sentence description (also the
 * figure's accessible name and description), the chart, and the same numbers
 * as a table under "Show the numbers", for screen readers, keyboards and
 * anyone who wants the exact figures. `children(id)` draws the chart; the id
 * is unique to this figure, for the chart's own labelling.
 */
export function ChartFigure({
  title,
  description,
  chartClassName = "h-56",
  tableClassName = "overflow-x-auto",
  wideTable = false,
  table,
  testId,
  children,
}: {
  title: string;
  description: string;
  /** The chart area's height (recharts fills its parent). */
  chartClassName?: string;
  /** The scrolling of the table's box: long series cap its height. */
  tableClassName?: string;
  /** A table of many columns keeps its width and scrolls sideways on a phone. */
  wideTable?: boolean;
  /** The table's head, body and foot; its caption is the title. */
  table: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure
      className="min-w-0 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
      data-testid={testId}
    >
      <figcaption>
        <h3 id={`${id}-title`} className="text-sm font-semibold text-zinc-900">
          {title}
        </h3>
        <p id={`${id}-desc`} className="mt-1 text-xs text-zinc-600">
          {description}
        </p>
      </figcaption>
      <div className={cn("mt-3", chartClassName)}>{children}</div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer rounded text-brand-700 underline-offset-2 hover:underline">Show the numbers</summary>
        <div className={cn("mt-2", tableClassName)}>
          <table className={cn("w-full text-left text-sm", wideTable && "min-w-[30rem]")}>
            <caption className="sr-only">{title}</caption>
            {table}
          </table>
        </div>
      </details>
    </figure>
  );
}

/** The look every chart shares: axis labels, grid lines, the hover band. */
export const chartStyle = {
  tick: { fontSize: 12, fill: "#52525b" },
  gridStroke: "#e4e4e7",
  cursor: { fill: "rgba(79, 70, 229, 0.06)" },
} as const;

/** Props of a recharts chart that fills its `ChartFigure` and carries the figure's title and description. */
export function filledChartProps(title: string, description: string, margin: { top: number; right: number; bottom: number; left: number }) {
  return { responsive: true, style: { width: "100%", height: "100%" }, margin, title, desc: description };
}
