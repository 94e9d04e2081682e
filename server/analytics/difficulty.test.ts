import { describe, expect, it } from "vitest";
import {
  DIFFICULTY_FORMULA,
  difficultyInputsOf,
  difficultyScore,
  OUTCOME_POINTS,
  type DifficultyInputs,
  type DifficultyOutcome,
} from "./difficulty";

const DAY = 24 * 60 * 60 * 1000;
const outcomes = Object.keys(OUTCOME_POINTS) as DifficultyOutcome[];
const easiest: DifficultyInputs = { retries: 0, declineCodeChanges: 0, days: 0, outcome: "reclaim_retry" };

describe("difficultyScore", () => {
  it("scores hand-computed cases", () => {
    // Paid by the first retry the same day: only the retry counts.
    expect(difficultyScore({ retries: 1, declineCodeChanges: 0, days: 0, outcome: "provider_retry" }).score).toBe(5);
    // Nothing counts at all: shown as 1, never 0.
    expect(difficultyScore(easiest).score).toBe(1);
    // 2 retries (10) + 1 change (5) + 9 days (9) + card update by the customer (15) = 39.
    const card = difficultyScore({ retries: 2, declineCodeChanges: 1, days: 9, outcome: "card_update" });
    expect(card.score).toBe(39);
    expect(card.parts.map((p) => [p.label, p.points, p.max])).toEqual([
      ["Retries needed", 10, 30],
      ["Decline code changes", 5, 20],
      ["Days to recover", 9, 25],
      ["How it was recovered", 15, 25],
    ]);
    expect(card.parts[0]!.explanation).toBe("2 retries by Reclaim and the billing provider.");
    expect(card.parts[1]!.explanation).toMatch(/changed 1 time from/);
    expect(card.parts[2]!.explanation).toBe("9 whole days from opening to recovery.");
    expect(card.parts[3]!.explanation).toBe("Recovered through the customer updating their card.");
    // 3 retries (15) + 0 changes + 4 days (4) + card network update (8) = 27.
    expect(difficultyScore({ retries: 3, declineCodeChanges: 0, days: 4.9, outcome: "card_updater" }).score).toBe(27);
    // 4 retries (20) + 2 changes (10) + 14 days (14) + outside Reclaim (20) = 64.
    expect(difficultyScore({ retries: 4, declineCodeChanges: 2, days: 14, outcome: "out_of_band" }).score).toBe(64);
    // Lost after 28 days with 5 retries (25) and 3 changes (15): 25 + 15 + 25 (capped) + 25 = 90.
    const lost = difficultyScore({ retries: 5, declineCodeChanges: 3, days: 28, outcome: "not_recovered" });
    expect(lost.score).toBe(90);
    expect(lost.parts[2]!.label).toBe("Days until closed");
    // Everything at or past its cap: 100.
    expect(difficultyScore({ retries: 9, declineCodeChanges: 7, days: 60, outcome: "not_recovered" }).score).toBe(100);
  });

  it("words an open case as so far", () => {
    const open = difficultyScore({ retries: 1, declineCodeChanges: 0, days: 3, outcome: "not_recovered", open: true });
    expect(open.score).toBe(5 + 3 + 25);
    expect(open.parts[2]).toMatchObject({ label: "Days open so far", points: 3, explanation: "3 whole days since the case opened." });
    expect(open.parts[3]!.explanation).toMatch(/Not recovered yet/);
  });

  it("is the sum of its parts, each within its maximum, and the maxima add up to 100", () => {
    for (const outcome of outcomes) {
      for (const retries of [0, 1, 3, 6, 7, 20]) {
        for (const changes of [0, 1, 4, 5]) {
          for (const days of [0, 1, 12, 25, 26, 400]) {
            const { score, parts } = difficultyScore({ retries, declineCodeChanges: changes, days, outcome });
            const sum = parts.reduce((s, p) => s + p.points, 0);
            expect(score).toBe(Math.max(1, sum));
            expect(Number.isInteger(score)).toBe(true);
            expect(score).toBeGreaterThanOrEqual(1);
            expect(score).toBeLessThanOrEqual(100);
            for (const p of parts) {
              expect(p.points).toBeGreaterThanOrEqual(0);
              expect(p.points).toBeLessThanOrEqual(p.max);
            }
            expect(parts.reduce((s, p) => s + p.max, 0)).toBe(100);
          }
        }
      }
    }
  });

  it("stays an integer from 1 to 100 for absurd inputs", () => {
    for (const n of [-5, -0.5, 0.4, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e12]) {
      const { score } = difficultyScore({ retries: n, declineCodeChanges: n, days: n, outcome: "card_update" });
      expect(Number.isInteger(score)).toBe(true);
      expect(score).toBeGreaterThanOrEqual(1);
      expect(score).toBeLessThanOrEqual(100);
    }
    // A negative count is no better than none.
    expect(difficultyScore({ ...easiest, retries: -3 }).score).toBe(difficultyScore(easiest).score);
  });

  it("never goes down when one input gets worse", () => {
    const order: DifficultyOutcome[] = ["reclaim_retry", "provider_retry", "card_updater", "card_update", "out_of_band", "not_recovered"];
    for (const base of [
      easiest,
      { retries: 2, declineCodeChanges: 1, days: 10, outcome: "card_update" as const },
      { retries: 6, declineCodeChanges: 4, days: 25, outcome: "out_of_band" as const },
    ]) {
      const score = (i: Partial<DifficultyInputs>) => difficultyScore({ ...base, ...i }).score;
      for (let n = 0; n < 40; n++) {
        expect(score({ retries: n + 1 })).toBeGreaterThanOrEqual(score({ retries: n }));
        expect(score({ declineCodeChanges: n + 1 })).toBeGreaterThanOrEqual(score({ declineCodeChanges: n }));
        expect(score({ days: n + 1 })).toBeGreaterThanOrEqual(score({ days: n }));
      }
      // Strictly up while under the cap.
      expect(score({ retries: 1 })).toBeGreaterThan(score({ retries: 0 }));
      for (let i = 1; i < order.length; i++) {
        expect(score({ outcome: order[i] })).toBeGreaterThanOrEqual(score({ outcome: order[i - 1] }));
      }
    }
    // Each harder channel counts strictly more than the one before it (the two retries are equally easy).
    expect(OUTCOME_POINTS.reclaim_retry).toBe(OUTCOME_POINTS.provider_retry);
    expect(OUTCOME_POINTS.provider_retry).toBeLessThan(OUTCOME_POINTS.card_updater);
    expect(OUTCOME_POINTS.card_updater).toBeLessThan(OUTCOME_POINTS.card_update);
    expect(OUTCOME_POINTS.card_update).toBeLessThan(OUTCOME_POINTS.out_of_band);
    expect(OUTCOME_POINTS.out_of_band).toBeLessThan(OUTCOME_POINTS.not_recovered);
  });

  it("explains the formula with the numbers the code uses", () => {
    expect(DIFFICULTY_FORMULA).toEqual([
      "Retries needed: 5 points per retry of the charge (by Reclaim or by the billing provider), at most 30.",
      "Decline code changes: 5 points each time a declined attempt had a different decline code than the declined attempt before it, at most 20.",
      "Days: 1 point per whole day from opening to recovery (to closing when it ended unpaid, to now while it is open), at most 25.",
      "How it was recovered: a retry by Reclaim (0 points), the billing provider's retry (0 points), the card network's automatic update (8 points), the customer updating their card (15 points), a payment outside Reclaim (20 points), not recovered (25 points).",
      "The score is the sum of the four parts (at most 100), and at least 1.",
    ]);
  });
});

describe("difficultyInputsOf", () => {
  const openedAt = new Date("2026-03-01T10:00:00Z");
  const failed = (source: string, declineCode: string | null) => ({ source, declineCode, outcome: "failed" });

  it("counts Reclaim's and the provider's retries, code changes between declined attempts, and whole days", () => {
    const inputs = difficultyInputsOf({
      status: "recovered",
      recoveredVia: "card_update",
      retryCount: 2,
      openedAt,
      closedAt: new Date(openedAt.getTime() + 9 * DAY + 23 * 60 * 60 * 1000),
      now: new Date("2030-01-01T00:00:00Z"),
      attempts: [
        failed("initial", "insufficient_funds"),
        failed("provider_retry", "insufficient_funds"),
        failed("reclaim_retry", "expired_card"),
        { source: "reclaim_retry", declineCode: null, outcome: "requires_action" },
        failed("reclaim_retry", "expired_card"),
        failed("card_update", "insufficient_funds"),
        { source: "card_update", declineCode: null, outcome: "succeeded" },
      ],
    });
    // Reclaim: max(counter 2, 3 recorded) = 3, provider: 1. Codes: funds → expired → expired → funds = 2 changes.
    expect(inputs).toEqual({ retries: 4, declineCodeChanges: 2, days: 9, outcome: "card_update", open: false });
  });

  it("counts an open case's days to now, a closed unpaid one's to its closing, as not recovered", () => {
    const base = { recoveredVia: null, retryCount: 0, openedAt, attempts: [failed("initial", "do_not_honor")] };
    const now = new Date(openedAt.getTime() + 3 * DAY + 1);
    expect(difficultyInputsOf({ ...base, status: "open", closedAt: null, now })).toEqual({
      retries: 0,
      declineCodeChanges: 0,
      days: 3,
      outcome: "not_recovered",
      open: true,
    });
    expect(difficultyInputsOf({ ...base, status: "lost", closedAt: new Date(openedAt.getTime() + 28 * DAY), now })).toMatchObject({
      days: 28,
      outcome: "not_recovered",
      open: false,
    });
    // A clock behind the opening never gives negative days.
    expect(difficultyInputsOf({ ...base, status: "open", closedAt: null, now: new Date(openedAt.getTime() - DAY) }).days).toBe(0);
    // Recovered without a recorded channel: counted as paid outside Reclaim.
    expect(difficultyInputsOf({ ...base, status: "recovered", closedAt: now, now }).outcome).toBe("out_of_band");
  });
});
