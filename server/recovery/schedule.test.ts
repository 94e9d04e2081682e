import { describe, expect, it } from "vitest";
import { type RetryRule } from "@/server/recovery/policy";
import {
  emailDueAt,
  isValidTimezone,
  planRetries,
  planningZone,
  retryGroupFor,
  windowEndsAt,
  type RetryGroup,
} from "@/server/recovery/schedule";

// Expected instants below are worked out by hand, not with the code under test. Calendar facts used:
// 2026-01-01 is a Thursday; New York switches to EDT (-04:00) on Sun 2026-03-08 and back to EST
// (-05:00) on Sun 2026-11-01; Auckland leaves NZDT (+13:00) for NZST (+12:00) on Sun 2026-04-05;
// Kolkata is +05:30 all year.

const NY = "America/New_York";

function plan(
  strategy: RetryRule["strategy"],
  maxRetries: number,
  openedAt: string,
  options: { timezone?: string; retryHourLocal?: number; windowDays?: number } = {},
): string[] {
  return planRetries({
    rule: { strategy, maxRetries },
    openedAt: new Date(openedAt),
    timezone: options.timezone ?? "UTC",
    retryHourLocal: options.retryHourLocal ?? 10,
    windowDays: options.windowDays ?? 28,
  }).map((d) => d.toISOString());
}

describe("retryGroupFor", () => {
  const kinds = [
    "insufficient_funds",
    "temporary",
    "generic",
    "check_first",
    "card_invalid",
    "card_expired",
    "account_blocked",
    "revoked",
    "fraud",
    "authentication",
    "card_present_or_test",
    "unknown",
  ] as const;

  const softGroups: Record<(typeof kinds)[number], RetryGroup | null> = {
    insufficient_funds: "insufficient_funds",
    temporary: "temporary",
    generic: "generic",
    check_first: "other_soft",
    card_invalid: null,
    card_expired: null,
    account_blocked: null,
    revoked: null,
    fraud: null,
    authentication: null,
    card_present_or_test: "generic",
    unknown: "generic",
  };

  it.each(kinds.map((kind) => [kind, softGroups[kind]] as const))("soft %s retries as %s", (kind, group) => {
    expect(retryGroupFor("soft", kind)).toBe(group);
  });

  it.each(["hard", "do_not_contact", "needs_authentication", "revoked"])("%s is never retried, whatever the kind", (category) => {
    for (const kind of kinds) expect(retryGroupFor(category, kind)).toBeNull();
  });

  it("retries a soft kind it does not know yet as other_soft", () => {
    expect(retryGroupFor("soft", "velocity")).toBe("other_soft");
    expect(retryGroupFor("soft", "toString")).toBe("other_soft");
    expect(retryGroupFor("soft", "__proto__")).toBe("other_soft");
  });

  it("does not retry a category it does not know", () => {
    expect(retryGroupFor("mystery", "generic")).toBeNull();
    expect(retryGroupFor("", "insufficient_funds")).toBeNull();
    expect(retryGroupFor("SOFT", "generic")).toBeNull();
  });
});

describe("isValidTimezone", () => {
  it("accepts IANA names", () => {
    for (const tz of ["America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires"]) {
      expect(isValidTimezone(tz)).toBe(true);
    }
  });

  it("refuses everything else", () => {
    for (const tz of ["", "Mars/Olympus_Mons", "+05:30", "UTC+3", "local", "system", "America/New York", " UTC"]) {
      expect(isValidTimezone(tz)).toBe(false);
    }
  });

  it("falls back to UTC for planning", () => {
    expect(planningZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(planningZone("Nowhere/Land")).toBe("UTC");
  });
});

describe("planRetries: payday", () => {
  // Wed 2026-03-04 15:00 EST.
  const openedWednesday = "2026-03-04T20:00:00.000Z";

  it("takes the next Friday, then the 15th and the 1st, keeping 10:00 local across the DST switch", () => {
    expect(plan("payday", 4, openedWednesday, { timezone: NY, windowDays: 60 })).toEqual([
      "2026-03-06T15:00:00.000Z", // Fri Mar 6, 10:00 EST
      "2026-03-15T14:00:00.000Z", // Sun Mar 15, 10:00 EDT (DST started Mar 8)
      "2026-04-01T14:00:00.000Z", // Wed Apr 1, 10:00 EDT
      "2026-04-15T14:00:00.000Z", // Wed Apr 15, 10:00 EDT
    ]);
  });

  it("uses the Friday only once and stops at the window instead of inventing dates", () => {
    // Window of 60 days ends Sun May 3 15:00 EDT: May 1 is the last candidate. Fridays Mar 13, 20... are not used.
    expect(plan("payday", 8, openedWednesday, { timezone: NY, windowDays: 60 })).toEqual([
      "2026-03-06T15:00:00.000Z",
      "2026-03-15T14:00:00.000Z",
      "2026-04-01T14:00:00.000Z",
      "2026-04-15T14:00:00.000Z",
      "2026-05-01T14:00:00.000Z",
    ]);
    // 28 days: the window ends Wed Apr 1 15:00 EDT, so only three candidates fit.
    expect(plan("payday", 4, openedWednesday, { timezone: NY, windowDays: 28 })).toEqual([
      "2026-03-06T15:00:00.000Z",
      "2026-03-15T14:00:00.000Z",
      "2026-04-01T14:00:00.000Z",
    ]);
  });

  it("waits at least 12 hours: opened late on the 14th, the 15th is skipped", () => {
    // Tue 2026-04-14 23:00 EDT: Wed Apr 15 10:00 EDT is only 11 hours later.
    expect(plan("payday", 4, "2026-04-15T03:00:00.000Z", { timezone: NY, windowDays: 60 })).toEqual([
      "2026-04-17T14:00:00.000Z", // Fri Apr 17
      "2026-05-01T14:00:00.000Z", // Fri May 1, a 1st (the Friday slot is already used)
      "2026-05-15T14:00:00.000Z",
      "2026-06-01T14:00:00.000Z",
    ]);
    // Two hours earlier (21:00 EDT) the 15th is 13 hours away and counts.
    expect(plan("payday", 4, "2026-04-15T01:00:00.000Z", { timezone: NY, windowDays: 60 })).toEqual([
      "2026-04-15T14:00:00.000Z",
      "2026-04-17T14:00:00.000Z",
      "2026-05-01T14:00:00.000Z",
      "2026-05-15T14:00:00.000Z",
    ]);
  });

  it("skips a Friday less than 12 hours away and takes the one after", () => {
    // Thu 2026-03-05 23:00 EST: Fri Mar 6 10:00 EST is 11 hours later; the Friday slot is Mar 13 10:00 EDT.
    expect(plan("payday", 3, "2026-03-06T04:00:00.000Z", { timezone: NY, windowDays: 60 })).toEqual([
      "2026-03-13T14:00:00.000Z",
      "2026-03-15T14:00:00.000Z",
      "2026-04-01T14:00:00.000Z",
    ]);
  });

  it("works on the customer's dates in Asia/Kolkata (+05:30)", () => {
    // 2026-01-30T20:00Z is Sat Jan 31 01:30 IST; in UTC it is still Friday Jan 30.
    // Window ends Sat Feb 28 01:30 IST, so Mar 1 is out.
    expect(plan("payday", 4, "2026-01-30T20:00:00.000Z", { timezone: "Asia/Kolkata" })).toEqual([
      "2026-02-01T04:30:00.000Z", // Sun Feb 1, 10:00 IST
      "2026-02-06T04:30:00.000Z", // Fri Feb 6
      "2026-02-15T04:30:00.000Z", // Sun Feb 15
    ]);
  });

  it("works on the customer's dates in Pacific/Auckland, where the 1st starts the day before in UTC", () => {
    // Thu 2026-04-30 00:00 NZST. Fri May 1 is both the next Friday and a 1st: one retry, not two.
    // Window ends Thu May 28 00:00 NZST.
    expect(plan("payday", 4, "2026-04-29T12:00:00.000Z", { timezone: "Pacific/Auckland" })).toEqual([
      "2026-04-30T22:00:00.000Z", // Fri May 1, 10:00 NZST
      "2026-05-14T22:00:00.000Z", // Fri May 15, 10:00 NZST
    ]);
  });

  it("uses the configured retry hour", () => {
    expect(plan("payday", 2, openedWednesday, { timezone: NY, retryHourLocal: 18 })).toEqual([
      "2026-03-06T23:00:00.000Z", // Fri Mar 6, 18:00 EST
      "2026-03-15T22:00:00.000Z", // Sun Mar 15, 18:00 EDT
    ]);
  });
});

describe("planRetries: backoff", () => {
  it("retries on days 3, 7, 14 and 21, then every 7 days", () => {
    // Sat 2026-01-31 15:00 UTC; day 28 is Feb 28 and day 35 is Mar 7 (month end, no leap day).
    expect(plan("backoff", 10, "2026-01-31T15:00:00.000Z", { windowDays: 40 })).toEqual([
      "2026-02-03T10:00:00.000Z",
      "2026-02-07T10:00:00.000Z",
      "2026-02-14T10:00:00.000Z",
      "2026-02-21T10:00:00.000Z",
      "2026-02-28T10:00:00.000Z",
      "2026-03-07T10:00:00.000Z",
    ]);
  });

  it("keeps 10:00 local across the spring DST switch", () => {
    // Mon 2026-03-02 12:00 EST.
    expect(plan("backoff", 4, "2026-03-02T17:00:00.000Z", { timezone: NY })).toEqual([
      "2026-03-05T15:00:00.000Z", // Thu Mar 5, 10:00 EST
      "2026-03-09T14:00:00.000Z", // Mon Mar 9, 10:00 EDT
      "2026-03-16T14:00:00.000Z",
      "2026-03-23T14:00:00.000Z",
    ]);
  });

  it("takes only the first maxRetries", () => {
    expect(plan("backoff", 2, "2026-01-31T15:00:00.000Z")).toEqual(["2026-02-03T10:00:00.000Z", "2026-02-07T10:00:00.000Z"]);
  });
});

describe("planRetries: standard", () => {
  it("retries on days 1, 3, 5, 7, 10, 14, 18, 21, 25 and 28, across a month end", () => {
    // Fri 2026-01-30 12:00 UTC, 09:00 retries. The 28-day window ends Feb 27 12:00, after the day-28 retry.
    expect(plan("standard", 10, "2026-01-30T12:00:00.000Z", { retryHourLocal: 9 })).toEqual([
      "2026-01-31T09:00:00.000Z",
      "2026-02-02T09:00:00.000Z",
      "2026-02-04T09:00:00.000Z",
      "2026-02-06T09:00:00.000Z",
      "2026-02-09T09:00:00.000Z",
      "2026-02-13T09:00:00.000Z",
      "2026-02-17T09:00:00.000Z",
      "2026-02-20T09:00:00.000Z",
      "2026-02-24T09:00:00.000Z",
      "2026-02-27T09:00:00.000Z",
    ]);
  });

  it("keeps 10:00 local when Auckland leaves daylight time", () => {
    // Mon 2026-03-30 12:00 NZDT.
    expect(plan("standard", 5, "2026-03-29T23:00:00.000Z", { timezone: "Pacific/Auckland" })).toEqual([
      "2026-03-30T21:00:00.000Z", // Tue Mar 31, 10:00 NZDT
      "2026-04-01T21:00:00.000Z", // Thu Apr 2, 10:00 NZDT
      "2026-04-03T21:00:00.000Z", // Sat Apr 4, 10:00 NZDT
      "2026-04-05T22:00:00.000Z", // Mon Apr 6, 10:00 NZST
      "2026-04-08T22:00:00.000Z", // Thu Apr 9, 10:00 NZST
    ]);
  });

  it("keeps 10:00 local when New York leaves daylight time", () => {
    // Wed 2026-10-28 12:00 EDT.
    expect(plan("standard", 3, "2026-10-28T16:00:00.000Z", { timezone: NY })).toEqual([
      "2026-10-29T14:00:00.000Z", // Thu Oct 29, 10:00 EDT
      "2026-10-31T14:00:00.000Z", // Sat Oct 31, 10:00 EDT
      "2026-11-02T15:00:00.000Z", // Mon Nov 2, 10:00 EST
    ]);
  });

  it("moves an hour that does not exist forward, as clocks do", () => {
    // Sat 2026-03-07 07:00 EST with 02:00 retries: 02:00 on Sun Mar 8 is skipped by DST and becomes 03:00 EDT.
    expect(plan("standard", 2, "2026-03-07T12:00:00.000Z", { timezone: NY, retryHourLocal: 2 })).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-10T06:00:00.000Z", // Tue Mar 10, 02:00 EDT
    ]);
  });

  it("in Kolkata lands on the half hour in UTC", () => {
    // Sun 2026-03-01 12:00 IST.
    expect(plan("standard", 2, "2026-03-01T06:30:00.000Z", { timezone: "Asia/Kolkata" })).toEqual([
      "2026-03-02T04:30:00.000Z",
      "2026-03-04T04:30:00.000Z",
    ]);
  });
});

describe("planRetries: soon", () => {
  it("uses exact offsets, not the local hour, even across a DST switch", () => {
    // Sat 2026-03-07 07:00 EST: +1h, +6h, +1d, +3d, +5d, +7d, then every 3 days.
    expect(plan("soon", 10, "2026-03-07T12:00:00.000Z", { timezone: NY })).toEqual([
      "2026-03-07T13:00:00.000Z",
      "2026-03-07T18:00:00.000Z",
      "2026-03-08T12:00:00.000Z",
      "2026-03-10T12:00:00.000Z",
      "2026-03-12T12:00:00.000Z",
      "2026-03-14T12:00:00.000Z",
      "2026-03-17T12:00:00.000Z",
      "2026-03-20T12:00:00.000Z",
      "2026-03-23T12:00:00.000Z",
      "2026-03-26T12:00:00.000Z",
    ]);
  });

  it("stops at the window", () => {
    // 7-day window: ends Sat Mar 14 07:00 EDT = 11:00Z, so the +7 days retry (12:00Z) is out.
    expect(plan("soon", 10, "2026-03-07T12:00:00.000Z", { timezone: NY, windowDays: 7 })).toEqual([
      "2026-03-07T13:00:00.000Z",
      "2026-03-07T18:00:00.000Z",
      "2026-03-08T12:00:00.000Z",
      "2026-03-10T12:00:00.000Z",
      "2026-03-12T12:00:00.000Z",
    ]);
  });
});

describe("planRetries: none and limits", () => {
  it("plans nothing for the none strategy or zero retries", () => {
    expect(plan("none", 5, "2026-03-04T20:00:00.000Z")).toEqual([]);
    expect(plan("backoff", 0, "2026-03-04T20:00:00.000Z")).toEqual([]);
  });

  it("drops a retry that falls exactly at the end of the window", () => {
    // Wed 2026-03-04 10:00 EST with a 28-day window: the window ends Wed Apr 1 10:00 EDT, the very
    // time of the Apr 1 payday retry, so that retry is dropped.
    const openedAt = new Date("2026-03-04T15:00:00.000Z");
    expect(windowEndsAt({ openedAt, timezone: NY, windowDays: 28 }).toISOString()).toBe("2026-04-01T14:00:00.000Z");
    expect(plan("payday", 4, openedAt.toISOString(), { timezone: NY, windowDays: 28 })).toEqual([
      "2026-03-06T15:00:00.000Z",
      "2026-03-15T14:00:00.000Z",
    ]);
  });

  it("drops the retries after the window", () => {
    // Backoff from Sat 2026-01-31 15:00 UTC in a 14-day window (ends Feb 14 15:00): days 3, 7 and 14 fit.
    expect(plan("backoff", 4, "2026-01-31T15:00:00.000Z", { windowDays: 14 })).toEqual([
      "2026-02-03T10:00:00.000Z",
      "2026-02-07T10:00:00.000Z",
      "2026-02-14T10:00:00.000Z",
    ]);
  });

  it("plans in UTC when the timezone is invalid", () => {
    const openedAt = "2026-03-04T20:00:00.000Z";
    const expected = ["2026-03-07T10:00:00.000Z", "2026-03-11T10:00:00.000Z"];
    expect(plan("backoff", 2, openedAt, { timezone: "Mars/Olympus_Mons" })).toEqual(expected);
    expect(plan("backoff", 2, openedAt, { timezone: "" })).toEqual(expected);
    expect(plan("backoff", 2, openedAt, { timezone: "UTC" })).toEqual(expected);
  });

  it("refuses impossible arguments", () => {
    const base = { rule: { strategy: "backoff", maxRetries: 2 } as RetryRule, openedAt: new Date(), timezone: "UTC", retryHourLocal: 10, windowDays: 28 };
    expect(() => planRetries({ ...base, openedAt: new Date("nope") })).toThrow(RangeError);
    expect(() => planRetries({ ...base, retryHourLocal: 24 })).toThrow(RangeError);
    expect(() => planRetries({ ...base, windowDays: 0 })).toThrow(RangeError);
    expect(() => planRetries({ ...base, rule: { strategy: "soon", maxRetries: -1 } })).toThrow(RangeError);
  });

  it("returns retries in order, strictly after opening", () => {
    for (const strategy of ["payday", "backoff", "standard", "soon"] as const) {
      const openedAt = "2026-12-31T23:59:00.000Z";
      const times = plan(strategy, 10, openedAt, { timezone: "Pacific/Auckland", windowDays: 90 });
      expect(times.length).toBeGreaterThan(0);
      expect(times[0]! > openedAt).toBe(true);
      expect([...times].sort()).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
    }
  });
});

describe("emailDueAt", () => {
  const due = (day: number, openedAt: string, timezone = NY, hourLocal = 10) =>
    emailDueAt({ day, openedAt: new Date(openedAt), timezone, hourLocal }).toISOString();

  it("sends the day-0 email at once", () => {
    expect(due(0, "2026-03-04T20:00:17.123Z")).toBe("2026-03-04T20:00:17.123Z");
  });

  it("sends later emails at the local hour, across the DST switch", () => {
    // Opened Wed 2026-03-04 15:00 EST.
    expect(due(3, "2026-03-04T20:00:00.000Z")).toBe("2026-03-07T15:00:00.000Z"); // Sat Mar 7, 10:00 EST
    expect(due(7, "2026-03-04T20:00:00.000Z")).toBe("2026-03-11T14:00:00.000Z"); // Wed Mar 11, 10:00 EDT
    expect(due(28, "2026-03-04T20:00:00.000Z")).toBe("2026-04-01T14:00:00.000Z"); // Wed Apr 1, 10:00 EDT
  });

  it("counts days on the customer's calendar", () => {
    // Opened Mon 2026-03-30 12:00 NZDT; day 7 is Mon Apr 6, 10:00 NZST.
    expect(due(7, "2026-03-29T23:00:00.000Z", "Pacific/Auckland")).toBe("2026-04-05T22:00:00.000Z");
    // Opened Sat 2026-01-31 01:30 IST (still Jan 30 in UTC); day 1 is Sun Feb 1, 10:00 IST.
    expect(due(1, "2026-01-30T20:00:00.000Z", "Asia/Kolkata")).toBe("2026-02-01T04:30:00.000Z");
  });

  it("is never before opening", () => {
    // Opened 23:30 UTC with midnight emails: day 1 is 30 minutes later.
    expect(due(1, "2026-05-10T23:30:00.000Z", "UTC", 0)).toBe("2026-05-11T00:00:00.000Z");
  });

  it("falls back to UTC for an invalid timezone", () => {
    expect(due(3, "2026-03-04T20:00:00.000Z", "Not/AZone")).toBe("2026-03-07T10:00:00.000Z");
  });

  it("refuses impossible arguments", () => {
    const openedAt = new Date("2026-03-04T20:00:00.000Z");
    expect(() => emailDueAt({ day: -1, openedAt, timezone: NY, hourLocal: 10 })).toThrow(RangeError);
    expect(() => emailDueAt({ day: 1.5, openedAt, timezone: NY, hourLocal: 10 })).toThrow(RangeError);
    expect(() => emailDueAt({ day: 1, openedAt, timezone: NY, hourLocal: 24 })).toThrow(RangeError);
    expect(() => emailDueAt({ day: 1, openedAt: new Date(Number.NaN), timezone: NY, hourLocal: 10 })).toThrow(RangeError);
  });
});

describe("windowEndsAt", () => {
  it("ends the window at the same local wall time, windowDays calendar days later", () => {
    // Wed 2026-03-04 15:00 EST + 28 days = Wed Apr 1 15:00 EDT: 27 days 23 hours of elapsed time.
    expect(windowEndsAt({ openedAt: new Date("2026-03-04T20:00:00.000Z"), timezone: NY, windowDays: 28 }).toISOString()).toBe(
      "2026-04-01T19:00:00.000Z",
    );
  });
});
