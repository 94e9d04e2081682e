/**
 * When Reclaim retries a declined charge and when each email of a sequence falls due. Pure
 * functions of time: every input is explicit and the result is a list of UTC instants, so the
 * planner can store them as rows of scheduled actions and tests can pin them to the minute.
 *
 * Day-based times are wall-clock times in the customer's timezone (a retry "at 10:00" stays at
 * 10:00 local across a DST switch); "+N days" means N calendar days in that zone.
 */
import { DateTime, IANAZone } from "luxon";
import { type Policy, type RetryRule } from "./policy";

export type RetryGroup = keyof Policy["retries"];

// Kept in step with server/recovery/decline.ts by hand, so this module depends on nothing but the policy.
type DeclineKind =
  | "insufficient_funds"
  | "temporary"
  | "generic"
  | "check_first"
  | "card_invalid"
  | "card_expired"
  | "account_blocked"
  | "revoked"
  | "fraud"
  | "authentication"
  | "card_present_or_test"
  | "unknown";

/** The retry group of each kind when its category is "soft"; null where a retry of the same card cannot work. */
const softKindGroups: Record<DeclineKind, RetryGroup | null> = {
  insufficient_funds: "insufficient_funds",
  temporary: "temporary",
  generic: "generic",
  // Unknown codes are classified conservatively; they retry on the generic backoff.
  unknown: "generic",
  // The caller checks first (a duplicate may already be paid, an amount may be wrong); then it is an ordinary soft retry.
  check_first: "other_soft",
  card_invalid: null,
  card_expired: null,
  account_blocked: null,
  revoked: null,
  fraud: null,
  authentication: null,
  // Card-present or test-mode codes should not occur on subscriptions; they get the conservative default, like unknown codes.
  card_present_or_test: "generic",
};

/**
 * Which retry group a decline uses; null when Reclaim must not retry it (hard, do-not-contact,
 * needs-authentication, revoked, or a soft category with a kind that a retry cannot fix).
 * A soft kind this module does not know yet (the classifier may grow, e.g. velocity limits) is
 * still soft, so it goes to "other_soft".
 */
export function retryGroupFor(category: string, kind: string): RetryGroup | null {
  if (category !== "soft") return null;
  return Object.hasOwn(softKindGroups, kind) ? softKindGroups[kind as DeclineKind] : "other_soft";
}

/** True for an IANA zone name ("Europe/Paris", "UTC"); false for offsets ("+05:30") and luxon's "local"/"system". */
export function isValidTimezone(tz: string): boolean {
  return typeof tz === "string" && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz) && IANAZone.isValidZone(tz);
}

/** The zone the plan is computed in: the customer's, or UTC when theirs is unknown or invalid. */
export function planningZone(tz: string): string {
  return isValidTimezone(tz) ? tz : "UTC";
}

const HOUR_MS = 3_600_000;
/** A payday retry right after the failure hits the same empty account; wait at least this long. */
const PAYDAY_MIN_GAP_MS = 12 * HOUR_MS;

/** Days after opening for day-based strategies; "backoff" continues every 7 days after its list. */
const backoffDays = [3, 7, 14, 21] as const;
const standardDays = [1, 3, 5, 7, 10, 14, 18, 21, 25, 28] as const;
/** Exact offsets in hours for "soon"; then every 72 hours. */
const soonHours = [1, 6, 24, 72, 120, 168] as const;

function assertDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

function assertWhole(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** `days` calendar days after the local date of `opened`, at `hour`:00 local time. */
function localSlot(opened: DateTime, days: number, hour: number): DateTime {
  // Count calendar days on a zone-free date, so neither DST nor a zone that skips midnight can move
  // the date; then resolve the wall time in the customer's zone (an hour that does not exist on a
  // spring-forward day moves forward by the gap, as clocks do).
  const date = DateTime.utc(opened.year, opened.month, opened.day).plus({ days });
  return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour }, { zone: opened.zone });
}

/** The end of the recovery window: `windowDays` calendar days after `openedAt`, same local wall time. */
export function windowEndsAt(args: { openedAt: Date; timezone: string; windowDays: number }): Date {
  assertDate(args.openedAt, "openedAt");
  assertWhole(args.windowDays, "windowDays", 1, 3650);
  return DateTime.fromJSDate(args.openedAt, { zone: planningZone(args.timezone) })
    .plus({ days: args.windowDays })
    .toJSDate();
}

/**
 * The retry times for a case opened at `openedAt`: UTC instants, in order, strictly after
 * `openedAt` and strictly before the end of the window, at most `rule.maxRetries` of them.
 */
export function planRetries(args: {
  rule: RetryRule;
  openedAt: Date;
  timezone: string;
  retryHourLocal: number;
  windowDays: number;
}): Date[] {
  const { rule, openedAt, retryHourLocal, windowDays } = args;
  assertDate(openedAt, "openedAt");
  assertWhole(rule.maxRetries, "maxRetries", 0, 100);
  assertWhole(retryHourLocal, "retryHourLocal", 0, 23);
  assertWhole(windowDays, "windowDays", 1, 3650);
  if (rule.strategy === "none" || rule.maxRetries === 0) return [];

  const opened = DateTime.fromJSDate(openedAt, { zone: planningZone(args.timezone) });
  const openedMs = opened.toMillis();
  const endMs = opened.plus({ days: windowDays }).toMillis();
  const inWindow = (ms: number) => ms > openedMs && ms < endMs;

  let candidates: number[];
  switch (rule.strategy) {
    case "payday":
      candidates = paydaySlots(opened, retryHourLocal, endMs);
      break;
    case "backoff":
      candidates = Array.from({ length: rule.maxRetries }, (_, i) =>
        localSlot(opened, backoffDays[i] ?? 21 + 7 * (i - 3), retryHourLocal).toMillis(),
      );
      break;
    case "standard":
      // Ten days, matching the policy's maximum of ten retries.
      candidates = standardDays.map((day) => localSlot(opened, day, retryHourLocal).toMillis());
      break;
    case "soon":
      candidates = Array.from(
        { length: rule.maxRetries },
        (_, i) => openedMs + (soonHours[i] ?? 168 + 72 * (i - 5)) * HOUR_MS,
      );
      break;
  }
  return candidates
    .slice(0, rule.maxRetries)
    .filter(inWindow)
    .map((ms) => new Date(ms));
}

/**
 * Payday-aware slots: the 1st and 15th of every month plus the first Friday, each at the retry
 * hour, at least 12 hours after opening and before the window ends, in order. Only one Friday:
 * weekly paydays are common enough to be worth one try, not worth spending every retry on.
 */
function paydaySlots(opened: DateTime, hour: number, endMs: number): number[] {
  const earliestMs = opened.toMillis() + PAYDAY_MIN_GAP_MS;
  const slots: number[] = [];
  let fridayTaken = false;
  for (let days = 0; ; days++) {
    const slot = localSlot(opened, days, hour);
    const ms = slot.toMillis();
    if (ms >= endMs) break;
    if (ms < earliestMs) continue;
    const friday = !fridayTaken && slot.weekday === 5;
    if (friday) fridayTaken = true;
    if (friday || slot.day === 1 || slot.day === 15) slots.push(ms);
  }
  return slots;
}

/**
 * When email step `day` falls due: `openedAt` itself for day 0, otherwise `day` calendar days
 * later at `hourLocal`:00 in the customer's timezone, never before `openedAt`.
 */
export function emailDueAt(args: { day: number; openedAt: Date; timezone: string; hourLocal: number }): Date {
  const { day, openedAt, hourLocal } = args;
  assertDate(openedAt, "openedAt");
  assertWhole(day, "day", 0, 3650);
  assertWhole(hourLocal, "hourLocal", 0, 23);
  if (day === 0) return new Date(openedAt.getTime());
  const opened = DateTime.fromJSDate(openedAt, { zone: planningZone(args.timezone) });
  return new Date(Math.max(localSlot(opened, day, hourLocal).toMillis(), openedAt.getTime()));
}
