import { MIN_CASES_PER_GROUP } from "@/server/analytics/stats";
import type { RateCell } from "@/server/analytics/breakdown";
import { formatInterval, formatShare } from "./analytics-format";

/** Marks a rate over too few closed cases to say much on its own. */
export function TooFew({ closed }: { closed: number }) {
  return (
    <span
      className="mt-0.5 block text-xs font-normal text-amber-700"
      title={`Only ${closed} closed ${closed === 1 ? "case" : "cases"}: below ${MIN_CASES_PER_GROUP}, the interval is wide and the rate says little on its own.`}
    >
      Too few to read
    </span>
  );
}

/** A recovery rate with its 95% interval under it, flagged when too few cases closed. */
export function RateWithInterval({ cell }: { cell: RateCell }) {
  if (cell.rate === null) {
    return (
      <span className="text-zinc-500">
        —<span className="block text-xs">{cell.opened > 0 ? "none closed yet" : "no cases"}</span>
      </span>
    );
  }
  return (
    <span>
      <span className="font-medium text-zinc-900">{formatShare(cell.rate)}</span>
      <span className="block text-xs text-zinc-500">{formatInterval(cell.interval)}</span>
      {cell.tooFew ? <TooFew closed={cell.closed} /> : null}
    </span>
  );
}
