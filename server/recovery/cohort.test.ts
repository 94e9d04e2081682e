import { describe, expect, it } from "vitest";
import { assignCohort } from "./cohort";

describe("assignCohort", () => {
  it("is deterministic per salt and customer", () => {
    expect(assignCohort("salt", "cus_1", 10)).toBe(assignCohort("salt", "cus_1", 10));
  });

  it("puts about the configured share in the holdout", () => {
    const n = 20_000;
    let holdout = 0;
    for (let i = 0; i < n; i++) if (assignCohort("workspace-salt", `cus_${i}`, 10) === "holdout") holdout++;
    // Binomial(20000, 0.1): sd ≈ 42, so ±250 is about 6 sd.
    expect(holdout).toBeGreaterThan(1_750);
    expect(holdout).toBeLessThan(2_250);
  });

  it("gives nobody to the holdout at 0% and everybody at 100%", () => {
    for (let i = 0; i < 100; i++) {
      expect(assignCohort("s", `c${i}`, 0)).toBe("treatment");
      expect(assignCohort("s", `c${i}`, 100)).toBe("holdout");
    }
  });

  it("depends on the workspace's salt", () => {
    const a = Array.from({ length: 200 }, (_, i) => assignCohort("a", `c${i}`, 50));
    const b = Array.from({ length: 200 }, (_, i) => assignCohort("b", `c${i}`, 50));
    expect(a).not.toEqual(b);
  });
});
