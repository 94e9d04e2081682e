/**
 * Numbers and sentences of the reports page, for a finance reader: rates as
 * percentages, differences in percentage points, p-values as stats.ts
 * formats them, and a plain verdict that never claims more than the interval
 * allows. Pure and server-safe.
 */
import type { CurrencyLift, LiftComparison } from "@/server/analytics/lift";
import { formatMinorUnits } from "@/server/analytics/csv";
import { formatPValue } from "@/server/analytics/stats";

const integer = new Intl.NumberFormat("en-US");

export const count = (n: number) => integer.format(n);

/** 0.4231 → "42.3%". */
export const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** 0.0712 → "+7.1 points"; the sign is always shown, so a difference reads as one. */
export function points(difference: number): string {
  const value = (difference * 100).toFixed(1);
  const shown = value === "-0.0" ? "0.0" : value;
  return `${difference > 0 && shown !== "0.0" ? "+" : ""}${shown} points`;
}

export const pValue = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${formatPValue(p)}`);

/** An amount as the CSV writes it: decimal major units, for data attributes the tests read. */
export const decimal = (amount: number | bigint, currency: string) => formatMinorUnits(amount, currency);

export type Verdict = { tone: "positive" | "negative" | "neutral" | "warning" | "unavailable"; text: string };

/** What the recovery-rate comparison says, in one or two sentences. */
export function rateVerdict(comparison: LiftComparison): Verdict {
  const rate = comparison.rate;
  if (rate.status === "unavailable") return { tone: "unavailable", text: rate.message };
  const interval = `the 95% interval runs from ${points(rate.differenceInterval.lower)} to ${points(rate.differenceInterval.upper)}`;
  if (rate.warnings.length > 0) {
    return {
      tone: "warning",
      text: `The groups are too small to conclude anything yet: the treatment group recovered ${percent(rate.treatment.rate)} of its cases and the holdout ${percent(rate.holdout.rate)}, but ${interval}.`,
    };
  }
  if (rate.status === "degenerate") return { tone: "neutral", text: rate.message ?? "" };
  if (rate.differenceInterval.lower > 0) {
    return {
      tone: "positive",
      text: `Customers who got Reclaim's outreach paid ${points(rate.difference)} more often than the holdout (${percent(rate.treatment.rate)} against ${percent(rate.holdout.rate)}); ${interval}, ${pValue(rate.pValue)}. A difference this large is unlikely to be chance.`,
    };
  }
  if (rate.differenceInterval.upper < 0) {
    return {
      tone: "negative",
      text: `Customers who got Reclaim's outreach paid less often than the holdout (${percent(rate.treatment.rate)} against ${percent(rate.holdout.rate)}); ${interval}, ${pValue(rate.pValue)}. Review the sequence.`,
    };
  }
  return {
    tone: "neutral",
    text: `The treatment group recovered ${percent(rate.treatment.rate)} of its cases and the holdout ${percent(rate.holdout.rate)}, but ${interval}, which includes no difference at all (${pValue(rate.pValue)}): this data cannot yet tell whether outreach changed the recovery rate.`,
  };
}

/** What the revenue comparison of one currency says. */
export function revenueVerdict(figures: CurrencyLift): Verdict {
  const result = figures.incremental;
  if (result.status === "unavailable") return { tone: "unavailable", text: result.message };
  if (result.warnings.length > 0) return { tone: "warning", text: "Too few cases or recoveries in this currency to conclude anything." };
  if (result.interval.lower > 0) return { tone: "positive", text: `Unlikely to be chance (${pValue(result.pValue)}).` };
  if (result.interval.upper < 0)
    return { tone: "negative", text: `Less than the holdout's behaviour predicts (${pValue(result.pValue)}).` };
  return { tone: "neutral", text: `The interval includes zero: not distinguishable from no effect (${pValue(result.pValue)}).` };
}
