/**
 * The holdout group and policy versions: who gets outreach is decided once per
 * customer, and a case keeps the policy version it was opened under.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { saveSequenceVersion } from "./sequences";
import { recordInvoicePaid } from "./close";
import { defaultPolicy } from "./policy";
import {
  actionsOf,
  activeVersion,
  advance,
  at,
  attemptsOf,
  caseOf,
  chargesOf,
  closedCasesWithOpenActions,
  createHarness,
  createScenarioWorkspace,
  customerIdInCohort,
  customerOf,
  failPayment,
  invoiceOf,
  openScenarioDatabase,
  savePolicy,
  subscriptionOf,
  threadOf,
  timelineOf,
  type Harness,
} from "@/server/testing/recovery";

const database = await openScenarioDatabase();
let h: Harness;

beforeAll(() => {
  h = createHarness(database);
});

describe("holdout", () => {
  it("a holdout customer gets no retry and no email, is tracked to the final action, and stays holdout after the policy changes", async () => {
    const ws = await createScenarioWorkspace(h, { label: "holdout" });
    // The policy caps the holdout at 50% (a 100% holdout would measure nothing): 100 is refused.
    const refused = await saveSequenceVersion(h.db, { workspaceId: ws.id, policy: { ...defaultPolicy, holdoutPercent: 100 }, userId: null });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.map((e) => e.path)).toEqual(["holdoutPercent"]);
    await savePolicy(h, ws.id, { holdoutPercent: 50 });
    // Which customers land in the holdout depends on the workspace's salt: pick one that does, and one that does not.
    const held = await customerIdInCohort(h, ws.id, "holdout", 50, "cus_held");
    const treated = await customerIdInCohort(h, ws.id, "treatment", 50, "cus_treated");

    const f = await failPayment(h, ws, { code: "insufficient_funds", customer: held });
    const control = await failPayment(h, ws, { code: "insufficient_funds", customer: treated, cardFailsWith: "expired_card" });
    expect(f.result).toMatchObject({ result: "opened", status: "open" });
    expect(await caseOf(h, f.caseId)).toMatchObject({ cohort: "holdout", status: "open", declineCategory: "soft" });
    expect((await customerOf(h, ws, held)).cohort).toBe("holdout");
    expect((await threadOf(h, f.threadId)).cohort).toBe("holdout");
    expect((await caseOf(h, control.caseId)).cohort).toBe("treatment");

    // Only the stage changes are planned: no retry, no email.
    expect((await actionsOf(h, { threadId: f.threadId })).map((a) => a.step)).toEqual(["grace", "final:cancel"]);
    expect((await actionsOf(h, { threadId: control.threadId })).filter((a) => a.kind !== "email").map((a) => a.kind)).toContain("retry");
    expect((await timelineOf(h, f.threadId)).find((e) => e.kind === "cohort")).toMatchObject({ outcome: "holdout" });

    await advance(h, ws, { to: at(31) });
    const customerEmails = (id: string) => h.notifier.dunningFor(ws.id).filter((e) => e.to === `${id}@example.com`);
    expect(customerEmails(held)).toEqual([]);
    expect(customerEmails(treated)).toHaveLength(6);
    const invoiceIds = new Set([(await invoiceOf(h, ws, f.invoiceExternalId)).id]);
    expect((await chargesOf(h, ws)).filter((c) => invoiceIds.has(c.invoiceId))).toEqual([]);
    // Tracked like any other case: the attempt, the stage changes, the final action.
    expect((await attemptsOf(h, f.caseId)).map((a) => a.source)).toEqual(["initial"]);
    const held1 = await caseOf(h, f.caseId);
    expect(held1).toMatchObject({ status: "lost", stage: "final", cohort: "holdout" });
    expect((await subscriptionOf(h, ws, `sub_${held}`)).status).toBe("canceled");
    const kinds = (await timelineOf(h, f.threadId)).map((e) => e.kind);
    expect(kinds).toEqual(["payment_failed", "classified", "cohort", "stage_changed", "final_action"]);

    // Back to no holdout: the customer keeps their group for a later invoice.
    await savePolicy(h, ws.id, { holdoutPercent: 0 });
    const later = await failPayment(h, ws, { code: "expired_card", customer: held });
    expect(later.threadId).not.toBe(f.threadId);
    expect(await caseOf(h, later.caseId)).toMatchObject({ cohort: "holdout", status: "open" });
    expect((await threadOf(h, later.threadId)).cohort).toBe("holdout");
    expect((await actionsOf(h, { threadId: later.threadId })).map((a) => a.kind).sort()).toEqual(["enter_grace", "final_action"]);
    await advance(h, ws, { days: 10 });
    expect(customerEmails(held)).toEqual([]);

    // Paid by the provider: recorded as recovered, but Reclaim sends a holdout customer nothing, not even a receipt.
    const paid = await recordInvoicePaid(h.deps, { workspaceId: ws.id, provider: "sandbox", invoiceExternalId: later.invoiceExternalId, via: "provider_retry" });
    expect(paid.result).toBe("recovered");
    expect(await caseOf(h, later.caseId)).toMatchObject({ status: "recovered", recoveredVia: "provider_retry", cohort: "holdout" });
    expect(h.notifier.callsFor(ws.id).filter((c) => c.kind === "receipt")).toEqual([]);
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});

describe("policy versions", () => {
  it("each case keeps the version it was opened under, and its own plan", async () => {
    const ws = await createScenarioWorkspace(h, { label: "versions" });
    const v1 = await activeVersion(h, ws.id);
    const a = await failPayment(h, ws, { code: "expired_card", customer: "cus_v1" });
    expect((await caseOf(h, a.caseId)).sequenceVersionId).toBe(v1.id);

    const v2 = await savePolicy(h, ws.id, {
      name: "Short and strict",
      windowDays: 14,
      graceDays: 0,
      finalAction: "mark_uncollectible",
      holdoutPercent: 0,
      emails: [
        { day: 0, tone: "friendly", subject: "Short: your payment failed", body: "Update your card: {{update_link}}" },
        { day: 7, tone: "final", subject: "Short: last call", body: "Last chance: {{update_link}}" },
      ],
    });
    expect(v2.version).toBe(v1.version + 1);
    expect((await activeVersion(h, ws.id)).id).toBe(v2.id);

    const b = await failPayment(h, ws, { code: "expired_card", customer: "cus_v2" });
    // A's later invoice joins A's thread, and with it A's version.
    await advance(h, ws, { days: 1 });
    const a2 = await failPayment(h, ws, { code: "expired_card", customer: "cus_v1" });
    expect(a2.threadId).toBe(a.threadId);

    expect((await caseOf(h, a.caseId)).sequenceVersionId).toBe(v1.id);
    expect((await caseOf(h, a2.caseId)).sequenceVersionId).toBe(v1.id);
    expect((await caseOf(h, b.caseId)).sequenceVersionId).toBe(v2.id);
    expect((await threadOf(h, a.threadId)).sequenceVersionId).toBe(v1.id);
    expect((await threadOf(h, b.threadId)).sequenceVersionId).toBe(v2.id);

    const planA = await actionsOf(h, { threadId: a.threadId });
    expect(planA.filter((x) => x.kind === "email")).toHaveLength(6);
    expect(planA.filter((x) => x.caseId === a.caseId).map((x) => [x.step, x.dueAt.toISOString()])).toEqual([
      ["grace", "2026-04-01T14:00:00.000Z"],
      ["final:cancel", "2026-04-04T14:00:00.000Z"],
    ]);
    const planB = await actionsOf(h, { threadId: b.threadId });
    expect(planB.map((x) => [x.step, x.dueAt.toISOString()])).toEqual([
      ["email:1:day-0", "2026-03-04T15:00:00.000Z"],
      ["email:2:day-7", "2026-03-11T14:00:00.000Z"],
      ["final:mark_uncollectible", "2026-03-18T14:00:00.000Z"],
    ]);

    await advance(h, ws, { to: at(33) });
    const emailsTo = (id: string) => h.notifier.dunningFor(ws.id).filter((e) => e.to === `${id}@example.com`);
    expect(emailsTo("cus_v1").map((e) => e.step.subject)).toEqual(defaultPolicy.emails.map((e) => e.subject));
    expect(emailsTo("cus_v1").every((e) => e.finalAction === "cancel" && e.step.total === 6)).toBe(true);
    expect(emailsTo("cus_v2").map((e) => e.step.subject)).toEqual(["Short: your payment failed", "Short: last call"]);
    expect(emailsTo("cus_v2").every((e) => e.finalAction === "mark_uncollectible" && e.step.total === 2)).toBe(true);
    expect(emailsTo("cus_v2")[0]!.finalActionAt.toISOString()).toBe("2026-03-18T14:00:00.000Z");

    expect(await caseOf(h, a.caseId)).toMatchObject({ status: "lost" });
    expect((await subscriptionOf(h, ws, "sub_cus_v1")).status).toBe("canceled");
    const lostB = await caseOf(h, b.caseId);
    expect(lostB).toMatchObject({ status: "lost", stage: "final" });
    expect(lostB.closedAt?.toISOString()).toBe("2026-03-18T14:00:00.000Z");
    expect((await invoiceOf(h, ws, b.invoiceExternalId)).status).toBe("uncollectible");
    expect((await subscriptionOf(h, ws, "sub_cus_v2")).status).toBe("unpaid");
    expect((await timelineOf(h, b.threadId)).map((e) => e.kind)).not.toContain("stage_changed");
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});
