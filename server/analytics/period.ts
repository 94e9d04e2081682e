import { z } from "zod";
import { DAY } from "@/server/recovery/clock";

/**
 * The period a report covers, and the one before it of the same length (for
 * "change against the previous period"). Periods are whole UTC days: `from`
 * is the start of its first day, `to` the end of its last (exclusive), so two
 * exports of the same period hold the same rows whatever the viewer's
 * timezone. A preset ends with the workspace's today (the test clock's in a
 * sandbox).
 */
export const periodPresets = ["7d", "30d", "90d", "365d"] as const;
export type PeriodPreset = (typeof periodPresets)[number];

export const presetLabels: Record<PeriodPreset, string> = {
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last 12 months",
};

/** The years a period may name: well before any billing history, and far enough from the ends of what dates can hold. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9000;

const isoDay = z
  .string()
  .trim()
  // No `abort` on these checks: an aborted check makes `periodInput`'s union answer "Invalid input" instead of the reason.
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "This date does not exist.")
  // Postgres has no year 0, and a period's end (+1 day) and its previous period (as long again, before it) must
  // stay four-digit years: years outside these bounds would be a database error, not an answer.
  .refine((v) => {
    if (!/^\d{4}-/.test(v)) return true; // the format's own message says it
    const year = Number(v.slice(0, 4));
    return year >= MIN_YEAR && year <= MAX_YEAR;
  }, `Choose a date between ${MIN_YEAR} and ${MAX_YEAR}.`);

/** What a page or an export is asked for: a preset, or a custom range of days (both ends included). */
export const periodInput = z.union([
  z.object({ preset: z.enum(periodPresets) }),
  z
    .object({ from: isoDay, to: isoDay })
    .refine((v) => v.from <= v.to, { message: "The start date must be on or before the end date.", path: ["to"] })
    .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= 3 * 366 * DAY, { message: "Choose at most three years.", path: ["to"] }),
]);
export type PeriodInput = z.infer<typeof periodInput>;

export type Period = {
  from: Date;
  /** Exclusive. */
  to: Date;
  days: number;
  label: string;
  input: PeriodInput;
  previous: { from: Date; to: Date };
};

const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const day = (d: Date) => d.toISOString().slice(0, 10);

export function resolvePeriod(input: PeriodInput, now: Date): Period {
  let from: Date;
  let to: Date;
  let label: string;
  if ("preset" in input) {
    const days = Number(input.preset.replace("d", ""));
    to = new Date(startOfUtcDay(now).getTime() + DAY);
    from = new Date(to.getTime() - days * DAY);
    label = presetLabels[input.preset];
  } else {
    from = new Date(`${input.from}T00:00:00Z`);
    to = new Date(new Date(`${input.to}T00:00:00Z`).getTime() + DAY);
    label = input.from === input.to ? input.from : `${input.from} to ${input.to}`;
  }
  const length = to.getTime() - from.getTime();
  return {
    from,
    to,
    days: Math.round(length / DAY),
    label,
    input,
    previous: { from: new Date(from.getTime() - length), to: from },
  };
}

/** The period as a page's search parameters (`?period=30d` or `?from=…&to=…`), for links and the picker. */
export function periodSearchParams(input: PeriodInput): Record<string, string> {
  return "preset" in input ? { period: input.preset } : { from: input.from, to: input.to };
}

/**
 * Reads a period from a page's search parameters. Anything missing or invalid
 * falls back to the default with the reason, so a bad link shows a page with a
 * message rather than an error.
 */
export function periodFromSearchParams(
  params: Record<string, string | string[] | undefined>,
  fallback: PeriodInput = { preset: "30d" },
): { input: PeriodInput; error: string | null } {
  const one = (key: string) => {
    const v = params[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const from = one("from");
  const to = one("to");
  if (from || to) {
    const parsed = periodInput.safeParse({ from: from ?? "", to: to ?? "" });
    return parsed.success ? { input: parsed.data, error: null } : { input: fallback, error: parsed.error.issues[0]?.message ?? "Invalid dates." };
  }
  const preset = one("period");
  if (!preset) return { input: fallback, error: null };
  const parsed = periodInput.safeParse({ preset });
  return parsed.success ? { input: parsed.data, error: null } : { input: fallback, error: `Unknown period "${preset}".` };
}

export const describePeriod = (p: Pick<Period, "from" | "to">) => `${day(p.from)} to ${day(new Date(p.to.getTime() - DAY))} (UTC)`;
