/**
 * How hard a recovery case was (or is) to recover, on a scale from 1 to 100:
 * a case paid by its first retry on the day it failed scores 5, the lowest a
 * recovered case gets in practice; many retries, a decline code that kept
 * changing and a month of work still unpaid score near 100. (The floor of 1
 * keeps the score on its scale for a case with nothing to count.)
 *
 * The score is the sum of four parts, each with its own maximum, and the four
 * maxima add up to 100:
 *
 * - retries needed: every retry of the charge, Reclaim's and the billing
 *   provider's, {@link POINTS_PER_RETRY} points each, at most {@link RETRY_MAX};
 * - decline code changes: each time an attempt was declined with a different
 *   code than the attempt before it (the bank's reason moved, say from
 *   insufficient funds to an expired card), {@link POINTS_PER_CODE_CHANGE}
 *   points each, at most {@link CODE_CHANGE_MAX};
 * - days: whole days from opening to recovery (to closing for a case that ended
 *   unpaid, to now for an open one), {@link POINTS_PER_DAY} point each, at most
 *   {@link DAYS_MAX};
 * - how it was recovered: a retry (Reclaim's or the provider's) is the easiest,
 *   then the card network's automatic update, then a card update by the
 *   customer, then a payment outside Reclaim; not recovered is the hardest
 *   ({@link OUTCOME_POINTS}).
 *
 * A total of 0 is shown as 1, so every score is an integer from 1 to 100, and
 * the score never goes down when any one input gets worse. Pure: no I/O, no
 * clock; the caller counts the inputs. {@link DIFFICULTY_FORMULA} is the text
 * the case page prints, built from the same constants.
 */
import { DAY } from "@/server/recovery/clock";

export const POINTS_PER_RETRY = 5;
export const RETRY_MAX = 30;
export const POINTS_PER_CODE_CHANGE = 5;
export const CODE_CHANGE_MAX = 20;
export const POINTS_PER_DAY = 1;
export const DAYS_MAX = 25;

/** How a case ended, for the last part of the score: a recovery channel, or not recovered. */
export type DifficultyOutcome = "reclaim_retry" | "provider_retry" | "card_updater" | "card_update" | "out_of_band" | "not_recovered";

/** Points for how the case was recovered, easiest first. */
export const OUTCOME_POINTS: Readonly<Record<DifficultyOutcome, number>> = Object.freeze({
  reclaim_retry: 0,
  provider_retry: 0,
  card_updater: 8,
  card_update: 15,
  out_of_band: 20,
  not_recovered: 25,
});

export const OUTCOME_LABELS: Readonly<Record<DifficultyOutcome, string>> = Object.freeze({
  reclaim_retry: "a retry by Reclaim",
  provider_retry: "the billing provider's retry",
  card_updater: "the card network's automatic update",
  card_update: "the customer updating their card",
  out_of_band: "a payment outside Reclaim",
  not_recovered: "not recovered",
});

const OUTCOME_MAX = Math.max(...Object.values(OUTCOME_POINTS));

export type DifficultyInputs = {
  /** Retries of the charge after the first failure: Reclaim's and the billing provider's. */
  retries: number;
  /** How many times an attempt's decline code differed from the previous declined attempt's. */
  declineCodeChanges: number;
  /** Days from opening to recovery (or to closing, or to now when still open); fractions are cut to whole days. */
  days: number;
  outcome: DifficultyOutcome;
  /** Only changes the wording of the days part ("so far" for an open case). */
  open?: boolean;
};

export type DifficultyPart = { label: string; points: number; max: number; explanation: string };
export type Difficulty = { score: number; parts: DifficultyPart[] };

/** A count: whole, at least 0 (a negative, fractional or non-finite input never lowers or breaks the score). */
const count = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function difficultyScore(inputs: DifficultyInputs): Difficulty {
  const retries = count(inputs.retries);
  const changes = count(inputs.declineCodeChanges);
  const days = count(inputs.days);
  const parts: DifficultyPart[] = [
    {
      label: "Retries needed",
      points: Math.min(RETRY_MAX, retries * POINTS_PER_RETRY),
      max: RETRY_MAX,
      explanation: `${plural(retries, "retry", "retries")} by Reclaim and the billing provider.`,
    },
    {
      label: "Decline code changes",
      points: Math.min(CODE_CHANGE_MAX, changes * POINTS_PER_CODE_CHANGE),
      max: CODE_CHANGE_MAX,
      explanation:
        changes === 0
          ? "The bank gave the same reason every time."
          : `The bank's reason changed ${plural(changes, "time", "times")} from one declined attempt to the next.`,
    },
    {
      label: inputs.outcome === "not_recovered" ? (inputs.open ? "Days open so far" : "Days until closed") : "Days to recover",
      points: Math.min(DAYS_MAX, days * POINTS_PER_DAY),
      max: DAYS_MAX,
      explanation: `${plural(days, "whole day", "whole days")} ${
        inputs.outcome !== "not_recovered" ? "from opening to recovery" : inputs.open ? "since the case opened" : "from opening to closing"
      }.`,
    },
    {
      label: "How it was recovered",
      points: OUTCOME_POINTS[inputs.outcome],
      max: OUTCOME_MAX,
      explanation:
        inputs.outcome === "not_recovered"
          ? inputs.open
            ? "Not recovered yet: counted as the hardest until it is."
            : "Not recovered: the hardest outcome."
          : `Recovered through ${OUTCOME_LABELS[inputs.outcome]}.`,
    },
  ];
  const total = parts.reduce((sum, part) => sum + part.points, 0);
  return { score: Math.min(100, Math.max(1, total)), parts };
}

/** The scoring rules in words, generated from the constants above: what the case page prints under "How this is scored". */
export const DIFFICULTY_FORMULA: readonly string[] = Object.freeze([
  `Retries needed: ${POINTS_PER_RETRY} points per retry of the charge (by Reclaim or by the billing provider), at most ${RETRY_MAX}.`,
  `Decline code changes: ${POINTS_PER_CODE_CHANGE} points each time a declined attempt had a different decline code than the declined attempt before it, at most ${CODE_CHANGE_MAX}.`,
  `Days: ${POINTS_PER_DAY} point per whole day from opening to recovery (to closing when it ended unpaid, to now while it is open), at most ${DAYS_MAX}.`,
  `How it was recovered: ${(Object.keys(OUTCOME_POINTS) as DifficultyOutcome[])
    .map((o) => `${OUTCOME_LABELS[o]} (${plural(OUTCOME_POINTS[o], "point", "points")})`)
    .join(", ")}.`,
  `The score is the sum of the four parts (at most ${RETRY_MAX + CODE_CHANGE_MAX + DAYS_MAX + OUTCOME_MAX}), and at least 1.`,
]);


const isChannel = (value: string | null): value is Exclude<DifficultyOutcome, "not_recovered"> =>
  value !== null && value !== "not_recovered" && Object.hasOwn(OUTCOME_POINTS, value);

/**
 * The inputs of a case, from what its page loads: the case's own retry count
 * and status, and its charge attempts in time order. Retries are Reclaim's
 * (the larger of the case's counter and its recorded retry attempts) plus the
 * provider's recorded retries; code changes compare each declined attempt's
 * code with the previous declined attempt's.
 */
export function difficultyInputsOf(args: {
  status: string;
  recoveredVia: string | null;
  retryCount: number;
  openedAt: Date;
  closedAt: Date | null;
  now: Date;
  attempts: readonly { source: string; declineCode: string | null; outcome: string }[];
}): DifficultyInputs {
  const reclaimRetries = args.attempts.filter((a) => a.source === "reclaim_retry").length;
  const providerRetries = args.attempts.filter((a) => a.source === "provider_retry").length;
  let changes = 0;
  let previous: string | null = null;
  for (const attempt of args.attempts) {
    if (attempt.outcome === "succeeded" || !attempt.declineCode) continue;
    if (previous !== null && attempt.declineCode !== previous) changes += 1;
    previous = attempt.declineCode;
  }
  const open = args.status === "open";
  const end = args.closedAt ?? args.now;
  const recovered = args.status === "recovered";
  // A recovered case always has its channel; one without is counted as paid outside Reclaim.
  const outcome: DifficultyOutcome = !recovered ? "not_recovered" : isChannel(args.recoveredVia) ? args.recoveredVia : "out_of_band";
  return {
    retries: Math.max(args.retryCount, reclaimRetries) + providerRetries,
    declineCodeChanges: changes,
    days: Math.max(0, Math.floor((end.getTime() - args.openedAt.getTime()) / DAY)),
    outcome,
    open,
  };
}
