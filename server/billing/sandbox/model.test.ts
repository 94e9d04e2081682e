import { describe, expect, it } from "vitest";
import { retrySucceeds, sandboxDecline } from "./model";

const base = { seed: "s", invoiceKey: "in_1", at: new Date("2026-03-10T12:00:00Z"), timezone: "UTC", attempt: 1 };
const outcomes = (args: Partial<Parameters<typeof retrySucceeds>[0]>) =>
  Array.from({ length: 200 }, (_, i) => retrySucceeds({ ...base, failsWith: "generic_decline", idempotencyKey: `k${i}`, ...args }));

describe("the sandbox's behaviour model", () => {
  it("lets a simulated customer's own soft-declined card recover on some retries", () => {
    const results = outcomes({});
    expect(results).toContain("succeeded");
    expect(results).toContain("failed");
  });

  it("makes a test card a person typed do exactly what its number says, every time", () => {
    expect(new Set(outcomes({ typed: true }))).toEqual(new Set(["failed"]));
    expect(new Set(outcomes({ typed: true, failsWith: "insufficient_funds" }))).toEqual(new Set(["failed"]));
    expect(new Set(outcomes({ typed: true, failsWith: "authentication_required" }))).toEqual(new Set(["requires_action"]));
    expect(new Set(outcomes({ typed: true, failsWith: null }))).toEqual(new Set(["succeeded"]));
  });

  it("words a decline as Stripe does: own error codes stay the code, others are card_declined", () => {
    expect(sandboxDecline("expired_card")).toMatchObject({ code: "expired_card", declineCode: "expired_card" });
    expect(sandboxDecline("insufficient_funds")).toMatchObject({ code: "card_declined", declineCode: "insufficient_funds", outcomeType: "issuer_declined" });
  });
});
