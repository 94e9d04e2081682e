import { describe, expect, it } from "vitest";
import { DAY } from "@/server/recovery/clock";
import { MAX_YEAR, MIN_YEAR, periodFromSearchParams, periodInput, periodSearchParams, resolvePeriod } from "./period";

const NOW = new Date("2026-03-15T18:45:00Z");
const iso = (d: Date) => d.toISOString();
const refusal = (input: unknown) => {
  const parsed = periodInput.safeParse(input);
  return parsed.success ? null : parsed.error.issues.map((i) => i.message);
};

describe("resolvePeriod", () => {
  it("a preset ends at the midnight UTC after today and reaches back whole days, with the previous period as long before it", () => {
    const p = resolvePeriod({ preset: "7d" }, NOW);
    expect(iso(p.to)).toBe("2026-03-16T00:00:00.000Z");
    expect(iso(p.from)).toBe("2026-03-09T00:00:00.000Z");
    expect(p.days).toBe(7);
    expect(p.label).toBe("Last 7 days");
    expect(iso(p.previous.from)).toBe("2026-03-02T00:00:00.000Z");
    expect(p.previous.to).toEqual(p.from);
  });

  it("a custom range includes both days", () => {
    const p = resolvePeriod({ from: "2026-02-01", to: "2026-02-28" }, NOW);
    expect(iso(p.from)).toBe("2026-02-01T00:00:00.000Z");
    expect(iso(p.to)).toBe("2026-03-01T00:00:00.000Z");
    expect(p.days).toBe(28);
    expect(p.previous.to.getTime() - p.previous.from.getTime()).toBe(28 * DAY);
    expect(resolvePeriod({ from: "2026-02-01", to: "2026-02-01" }, NOW)).toMatchObject({ days: 1, label: "2026-02-01" });
  });
});

describe("periodInput", () => {
  it("refuses impossible dates, reversed ranges and ranges over three years, saying why", () => {
    expect(refusal({ from: "2026-02-30", to: "2026-03-01" })).toEqual(["This date does not exist."]);
    expect(refusal({ from: "31/01/2026", to: "2026-03-01" })?.[0]).toBe("Use a date like 2026-01-31.");
    expect(refusal({ from: "2026-03-02", to: "2026-03-01" })).toEqual(["The start date must be on or before the end date."]);
    expect(refusal({ from: "2020-01-01", to: "2026-01-01" })).toEqual(["Choose at most three years."]);
    expect(refusal({ preset: "2d" })).not.toBeNull();
  });

  it("keeps to years the database and the previous period can hold", () => {
    const message = `Choose a date between ${MIN_YEAR} and ${MAX_YEAR}.`;
    expect(refusal({ from: "0000-01-01", to: "0000-01-02" })).toContain(message);
    expect(refusal({ from: "0001-01-01", to: "0001-01-02" })).toContain(message);
    expect(refusal({ from: "9999-12-30", to: "9999-12-31" })).toContain(message);
    expect(refusal({ from: `${MIN_YEAR}-01-01`, to: `${MIN_YEAR}-01-31` })).toBeNull();
    const last = resolvePeriod({ from: `${MAX_YEAR - 3}-01-01`, to: `${MAX_YEAR}-12-31` }, NOW);
    expect(last.to.getUTCFullYear()).toBe(MAX_YEAR + 1);
  });
});

describe("periodFromSearchParams", () => {
  it("reads a preset or a range, and falls back to the default with the reason", () => {
    expect(periodFromSearchParams({ period: "90d" })).toEqual({ input: { preset: "90d" }, error: null });
    expect(periodFromSearchParams({ from: "2026-01-01", to: "2026-01-31" })).toEqual({ input: { from: "2026-01-01", to: "2026-01-31" }, error: null });
    expect(periodFromSearchParams({}, { preset: "7d" })).toEqual({ input: { preset: "7d" }, error: null });
    expect(periodFromSearchParams({ period: "2d" })).toEqual({ input: { preset: "30d" }, error: 'Unknown period "2d".' });
    expect(periodFromSearchParams({ from: "0000-01-01", to: "2026-01-01" }).error).toMatch(/between 1970 and 9000/);
    expect(periodFromSearchParams({ from: "2026-02-30", to: "2026-03-01" }).error).toBe("This date does not exist.");
    expect(periodFromSearchParams({ from: "2026-01-01" }).error).not.toBeNull();
  });

  it("round-trips through the search parameters a link writes", () => {
    for (const input of [{ preset: "365d" as const }, { from: "2026-01-01", to: "2026-02-01" }]) {
      expect(periodFromSearchParams(periodSearchParams(input)).input).toEqual(input);
    }
  });
});
