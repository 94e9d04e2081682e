/**
 * Words and numbers of the Overview page. Pure (no server imports), so both
 * the server components and the charts use it. Formats are fixed (en-US, UTC
 * days) so the server and the browser render the same text; money goes
 * through `Money`, which switches to the viewer's locale after hydration.
 */

import { currencyExponent } from "@/emails/_components/money";

/** Axis labels: short, in a fixed locale so the server and the browser agree ("$1.2K"), in the currency's own minor units. */
export function compactMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const major = amount / 10 ** currencyExponent(code);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: code, notation: "compact", maximumFractionDigits: 1 }).format(major);
  } catch {
    // A code Intl does not know: the number and the code, still in major units.
    return `${major} ${code}`;
  }
}

const percentFormat = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

/** 0.625 → "62.5%"; null (nothing to divide by) → "—". */
export function formatShare(value: number | null): string {
  return value === null ? "—" : percentFormat.format(value);
}

/** A change already in percent (354.54…) → "354.5%". */
export function formatPercentChange(percent: number): string {
  return percentFormat.format(Math.abs(percent) / 100);
}

const dayFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const dayWithYearFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** A UTC day as "Mar 4" (periods are whole UTC days). */
export function formatDay(date: Date | string, withYear = false): string {
  return (withYear ? dayWithYearFormat : dayFormat).format(new Date(date));
}

/** A bucket of a chart: "Mar 4" for a day, "Mar 4 – Mar 10" for a week (its end is exclusive). */
export function formatBucket(start: Date | string, end: Date | string, unit: "day" | "week"): string {
  if (unit === "day") return formatDay(start);
  const last = new Date(new Date(end).getTime() - 24 * 60 * 60 * 1000);
  return last.getTime() <= new Date(start).getTime() ? formatDay(start) : `${formatDay(start)} – ${formatDay(last)}`;
}

export type StepLike = { kind: "emails" | "grace" | "final" | "holdout"; emails: number | null };

export function stepLabel(step: StepLike): string {
  switch (step.kind) {
    case "emails":
      return step.emails === 0 ? "Before the first email" : step.emails === 1 ? "After email 1" : `After ${step.emails} emails`;
    case "grace":
      return "Grace period";
    case "final":
      return "Final stage";
    case "holdout":
      return "Holdout (no outreach)";
  }
}

export function stepHelp(step: StepLike): string {
  switch (step.kind) {
    case "emails":
      return step.emails === 0
        ? "Opened; the customer has not been emailed yet (retries may be under way)."
        : `The customer has received ${step.emails} dunning ${step.emails === 1 ? "email" : "emails"} so far.`;
    case "grace":
      return "The recovery window has ended; the final action runs at the end of the grace period.";
    case "final":
      return "The final action is being applied.";
    case "holdout":
      return "In the holdout group: Reclaim sends nothing and retries nothing, to measure what outreach adds.";
  }
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
