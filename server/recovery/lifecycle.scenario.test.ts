/**
 * Whole recovery sequences, one per decline category, over the 28-day window
 * and the 3-day grace period of the default policy, on the sandbox test clock.
 * The scenario starts on Wednesday 2026-03-04 at 15:00 UTC (10:00 in New
 * York); New York moves to summer time on 2026-03-08, inside the window.
 */
import { DateTime } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateFailedRenewals } from "@/server/billing/sandbox/simulate";
import { retrySucceeds } from "@/server/billing/sandbox/model";
import { recordInvoicePaid } from "./close";
import { defaultPolicy, tones } from "./policy";
import {
  actionsOf,
  advance,
  APP_URL,
  at,
  attemptsOf,
  caseOf,
  chargesOf,
  chooseRetrySeed,
  closedCasesWithOpenActions,
  createHarness,
  createScenarioWorkspace,
  failPayment,
  invoiceOf,
  openActionsOf,
  openScenarioDatabase,
  SCENARIO_START,
  subscriptionOf,
  threadOf,
  timelineOf,
  type Failure,
  type Harness,
  type ScenarioWorkspace,
} from "@/server/testing/recovery";

const database = await openScenarioDatabase();
let h: Harness;

beforeAll(() => {
  h = createHarness(database);
});

const END = at(31); // 28 days of window + 3 of grace, from the start
const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone });
const toneRank = (tone: string) => (tones as readonly string[]).indexOf(tone);
const kinds = async (threadId: string) => (await timelineOf(h, threadId)).map((e) => e.kind);

/** The default policy's email times for a customer in New York opened at the start. */
const NY_EMAIL_TIMES = [
  "2026-03-04T15:00:00.000Z", // day 0: at once
  "2026-03-07T15:00:00.000Z", // day 3, 10:00 EST
  "2026-03-11T14:00:00.000Z", // day 7, 10:00 EDT
  "2026-03-18T14:00:00.000Z",
  "2026-03-25T14:00:00.000Z",
  "2026-04-01T14:00:00.000Z", // day 28
];

/** Every email of the thread went out once, in order, at its time, with escalating tone. */
function expectFullEmailSeries(ws: ScenarioWorkspace, times = NY_EMAIL_TIMES) {
  const emails = h.notifier.dunningFor(ws.id);
  expect(emails).toHaveLength(6);
  expect(emails.map((e) => e.at.toISOString())).toEqual(times);
  expect(emails.map((e) => e.step.index)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(emails.map((e) => e.step.day)).toEqual([0, 3, 7, 14, 21, 28]);
  expect(emails.map((e) => e.step.subject)).toEqual(defaultPolicy.emails.map((e) => e.subject));
  const ranks = emails.map((e) => toneRank(e.step.tone));
  for (let i = 1; i < ranks.length; i++) expect(ranks[i]).toBeGreaterThanOrEqual(ranks[i - 1]!);
  expect(emails[0]!.step.tone).toBe("friendly");
  expect(emails.at(-1)!.step.tone).toBe("final");
  expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(6);
  for (const e of emails) expect(e.updateUrl.startsWith(`${APP_URL}/u/`)).toBe(true);
  return emails;
}

/** The case ran its full course: lost at the final action, subscription canceled, nothing left to run. */
async function expectLostAtTheEnd(ws: ScenarioWorkspace, f: Failure, finalDue: Date) {
  const c = await caseOf(h, f.caseId);
  expect(c.status).toBe("lost");
  expect(c.stage).toBe("final");
  expect(c.closedAt?.toISOString()).toBe(finalDue.toISOString());
  expect(c.recoveredVia).toBeNull();
  expect((await subscriptionOf(h, ws, `sub_${f.customerExternalId}`)).status).toBe("canceled");
  expect((await invoiceOf(h, ws, f.invoiceExternalId)).status).toBe("open");
  const thread = await threadOf(h, f.threadId);
  expect(thread.status).toBe("closed");
  expect(await openActionsOf(h, { threadId: f.threadId })).toEqual([]);
  const timeline = await timelineOf(h, f.threadId);
  const grace = timeline.find((e) => e.kind === "stage_changed");
  expect(grace?.outcome).toBe("grace");
  const final = timeline.find((e) => e.kind === "final_action");
  expect(final?.outcome).toBe("lost");
  expect(final?.at.toISOString()).toBe(finalDue.toISOString());
  expect(final?.summary).toContain("cancel the subscription");
  expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
}

/** The soft case's retries ran at their times, each charged once, all declined as the seeded model says. */
async function expectRetriesAllFailed(ws: ScenarioWorkspace, f: Failure, due: Date[]) {
  const charges = await chargesOf(h, ws);
  expect(charges.map((c) => c.at.toISOString())).toEqual(due.map((d) => d.toISOString()));
  expect(charges.every((c) => c.outcome === "failed")).toBe(true);
  const retries = (await actionsOf(h, { caseId: f.caseId })).filter((a) => a.kind === "retry");
  expect(retries.map((r) => r.status)).toEqual(due.map(() => "done"));
  expect(charges.map((c) => c.idempotencyKey).sort()).toEqual(retries.map((r) => r.idempotencyKey).sort());
  const attempts = await attemptsOf(h, f.caseId);
  expect(attempts.map((a) => a.source)).toEqual(["initial", ...due.map(() => "reclaim_retry")]);
  expect((await caseOf(h, f.caseId)).retryCount).toBe(due.length);
  const failedEntries = (await timelineOf(h, f.threadId)).filter((e) => e.kind === "retry_failed");
  expect(failedEntries.map((e) => e.at.toISOString())).toEqual(due.map((d) => d.toISOString()));
}

describe("soft decline: insufficient funds", () => {
  it("retries on paydays at 10:00 local, emails six times, and is lost at the end when no retry works", async () => {
    const ws = await createScenarioWorkspace(h, { label: "funds" });
    const f = await failPayment(h, ws, { code: "insufficient_funds", customer: "cus_funds", timezone: "America/New_York" });
    expect(f.result).toMatchObject({ result: "opened", status: "open", classification: { category: "soft", kind: "insufficient_funds" } });

    const retries = (await actionsOf(h, { caseId: f.caseId })).filter((a) => a.kind === "retry");
    // The first Friday and the 15th; the 1st of April is the end of the window, so it is not a retry day.
    expect(retries.map((r) => r.dueAt.toISOString())).toEqual(["2026-03-06T15:00:00.000Z", "2026-03-15T14:00:00.000Z"]);
    for (const r of retries) {
      const t = local(r.dueAt, "America/New_York");
      expect(t.hour).toBe(10);
      expect(t.minute).toBe(0);
      expect(t.day === 1 || t.day === 15 || t.weekday === 5).toBe(true);
      expect(r.dueAt.getTime() - SCENARIO_START.getTime()).toBeGreaterThanOrEqual(12 * 3_600_000);
    }

    await chooseRetrySeed(h, ws, f.caseId, ["failed", "failed"]);
    await advance(h, ws, { to: END });

    await expectRetriesAllFailed(ws, f, retries.map((r) => r.dueAt));
    const emails = expectFullEmailSeries(ws);
    expect(emails[0]!.reason).toMatchObject({ category: "soft", kind: "insufficient_funds" });
    await expectLostAtTheEnd(ws, f, new Date("2026-04-04T14:00:00Z"));
  });

  it("stops everything when the second retry is paid: recovered via Reclaim's retry, one receipt, no more email", async () => {
    const ws = await createScenarioWorkspace(h, { label: "funds-paid" });
    const f = await failPayment(h, ws, { code: "insufficient_funds", customer: "cus_funds_paid" });
    await chooseRetrySeed(h, ws, f.caseId, ["failed", "succeeded"]);
    await advance(h, ws, { to: END });

    const paidAt = new Date("2026-03-15T14:00:00Z");
    const c = await caseOf(h, f.caseId);
    expect(c).toMatchObject({ status: "recovered", recoveredVia: "reclaim_retry", recoveredAmount: 4900, retryCount: 2, attributedEmailDay: null });
    expect(c.closedAt?.toISOString()).toBe(paidAt.toISOString());
    const charges = await chargesOf(h, ws);
    expect(charges.map((x) => x.outcome)).toEqual(["failed", "succeeded"]);
    expect((await invoiceOf(h, ws, f.invoiceExternalId)).status).toBe("paid");
    expect((await subscriptionOf(h, ws, `sub_${f.customerExternalId}`)).status).toBe("active");
    // Emails of days 0, 3 and 7 went out before the payment on day 11; none after.
    expect(h.notifier.dunningFor(ws.id).map((e) => e.step.day)).toEqual([0, 3, 7]);
    const receipts = h.notifier.receiptsFor(ws.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.invoices).toEqual([{ invoiceNumber: `INV-${f.invoiceExternalId}`, amount: 4900, currency: "usd" }]);
    expect(receipts[0]!.at.toISOString()).toBe(paidAt.toISOString());
    const timeline = await timelineOf(h, f.threadId);
    expect(timeline.find((e) => e.kind === "recovered")).toMatchObject({ outcome: "recovered", actor: "reclaim" });
    expect(timeline.map((e) => e.kind)).toContain("thread_closed");
    expect(timeline.map((e) => e.kind)).toContain("receipt_sent");
    expect((await threadOf(h, f.threadId)).status).toBe("closed");
    const actions = await actionsOf(h, { threadId: f.threadId });
    expect(actions.filter((a) => a.status === "pending" || a.status === "running")).toEqual([]);
    expect(actions.filter((a) => a.status === "cancelled").map((a) => a.step).sort()).toEqual(
      ["email:4:day-14", "email:5:day-21", "email:6:day-28", "final:cancel", "grace"].sort(),
    );
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});

describe("soft decline: generic", () => {
  it("retries on the backoff schedule (days 3, 7, 14, 21 at 10:00 local) and is lost at the end", async () => {
    const ws = await createScenarioWorkspace(h, { label: "generic" });
    const f = await failPayment(h, ws, { code: "do_not_honor", customer: "cus_generic", timezone: "Europe/Berlin" });
    expect(f.result).toMatchObject({ classification: { category: "soft", kind: "generic" } });
    const retries = (await actionsOf(h, { caseId: f.caseId })).filter((a) => a.kind === "retry");
    expect(retries.map((r) => r.step)).toEqual(["retry:1", "retry:2", "retry:3", "retry:4"]);
    const opened = local(SCENARIO_START, "Europe/Berlin").startOf("day");
    expect(retries.map((r) => Math.round(local(r.dueAt, "Europe/Berlin").startOf("day").diff(opened, "days").days))).toEqual([3, 7, 14, 21]);
    expect(retries.every((r) => local(r.dueAt, "Europe/Berlin").hour === 10)).toBe(true);

    await chooseRetrySeed(h, ws, f.caseId, ["failed", "failed", "failed", "failed"]);
    await advance(h, ws, { to: END });

    await expectRetriesAllFailed(ws, f, retries.map((r) => r.dueAt));
    const emails = expectFullEmailSeries(ws, [
      "2026-03-04T15:00:00.000Z",
      "2026-03-07T09:00:00.000Z",
      "2026-03-11T09:00:00.000Z",
      "2026-03-18T09:00:00.000Z",
      "2026-03-25T09:00:00.000Z",
      "2026-04-01T08:00:00.000Z", // Berlin is on summer time from 2026-03-29
    ]);
    expect(emails[0]!.reason.kind).toBe("generic");
    await expectLostAtTheEnd(ws, f, new Date("2026-04-04T14:00:00Z")); // 16:00 in Berlin, now on summer time
  });
});

describe("soft decline: temporary", () => {
  it("retries soon (after 1, 6 and 24 hours) and is lost at the end when none works", async () => {
    const ws = await createScenarioWorkspace(h, { label: "temporary" });
    const f = await failPayment(h, ws, { code: "processing_error", customer: "cus_temp" });
    expect(f.result).toMatchObject({ classification: { category: "soft", kind: "temporary" } });
    const retries = (await actionsOf(h, { caseId: f.caseId })).filter((a) => a.kind === "retry");
    expect(retries.map((r) => (r.dueAt.getTime() - SCENARIO_START.getTime()) / 3_600_000)).toEqual([1, 6, 24]);

    await chooseRetrySeed(h, ws, f.caseId, ["failed", "failed", "failed"]);
    await advance(h, ws, { to: END });

    await expectRetriesAllFailed(ws, f, retries.map((r) => r.dueAt));
    expectFullEmailSeries(ws);
    await expectLostAtTheEnd(ws, f, new Date("2026-04-04T14:00:00Z"));
  });
});

describe("hard decline: expired card", () => {
  it("never retries, emails at once and then on days 3 to 28 with escalating tone, and cancels at the end", async () => {
    const ws = await createScenarioWorkspace(h, { label: "expired" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_expired" });
    expect(f.result).toMatchObject({ result: "opened", classification: { category: "hard", kind: "card_expired", retryable: false } });

    const planned = await actionsOf(h, { threadId: f.threadId });
    expect(planned.filter((a) => a.kind === "retry")).toEqual([]);
    expect(planned.map((a) => a.step)).toEqual([
      "email:1:day-0",
      "email:2:day-3",
      "email:3:day-7",
      "email:4:day-14",
      "email:5:day-21",
      // Day 28: the last email and the start of the grace period share their time.
      ...["email:6:day-28", "grace"].sort(),
      "final:cancel",
    ]);
    expect(planned[0]!.dueAt.toISOString()).toBe(SCENARIO_START.toISOString());

    // Day 0: the first email goes out at once.
    const first = await advance(h, ws, { minutes: 1 });
    expect(first.performed).toBe(1);
    const [day0] = h.notifier.dunningFor(ws.id);
    expect(day0?.at.toISOString()).toBe(SCENARIO_START.toISOString());
    expect(day0?.reason).toEqual({ category: "hard", kind: "card_expired", customerReason: "your card on file has expired" });
    expect(day0?.invoices).toEqual([{ invoiceNumber: `INV-${f.invoiceExternalId}`, amount: 4900, currency: "usd" }]);
    expect(day0?.to).toBe("cus_expired@example.com");
    expect(day0?.finalAction).toBe("cancel");
    expect(day0?.finalActionAt.toISOString()).toBe(planned.at(-1)!.dueAt.toISOString());

    // Day 28: the window ends; the grace period starts and the subscription is in grace.
    await advance(h, ws, { to: at(28, 1) });
    expect((await caseOf(h, f.caseId)).stage).toBe("grace");
    expect((await caseOf(h, f.caseId)).status).toBe("open");
    expect((await subscriptionOf(h, ws, "sub_cus_expired")).status).toBe("grace");

    await advance(h, ws, { to: END });
    expectFullEmailSeries(ws);
    expect(await chargesOf(h, ws)).toEqual([]);
    expect((await attemptsOf(h, f.caseId)).map((a) => a.source)).toEqual(["initial"]);
    await expectLostAtTheEnd(ws, f, new Date("2026-04-04T14:00:00Z"));

    const timeline = await kinds(f.threadId);
    expect(timeline.slice(0, 4)).toEqual(["payment_failed", "classified", "cohort", "email_sent"]);
    expect(timeline.filter((k) => k === "email_sent")).toHaveLength(6);
    expect(timeline.at(-1)).toBe("final_action");
    expect(timeline).not.toContain("retry_failed");
    expect(h.notifier.receiptsFor(ws.id)).toEqual([]);

    // Nothing else ever happens.
    expect((await advance(h, ws, { days: 30 })).performed).toBe(0);
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(6);
  });
});

describe("needs authentication", () => {
  it("does not retry, asks the customer to confirm the payment six times, and is lost at the end", async () => {
    const ws = await createScenarioWorkspace(h, { label: "auth" });
    const f = await failPayment(h, ws, { code: "authentication_required", customer: "cus_auth" });
    expect(f.result).toMatchObject({ classification: { category: "needs_authentication", retryable: false } });
    expect((await actionsOf(h, { caseId: f.caseId })).filter((a) => a.kind === "retry")).toEqual([]);

    await advance(h, ws, { to: END });
    const emails = expectFullEmailSeries(ws);
    expect(emails.every((e) => e.reason.category === "needs_authentication")).toBe(true);
    expect(emails[0]!.reason.customerReason).toBe("your bank needs you to confirm this payment");
    expect(await chargesOf(h, ws)).toEqual([]);
    await expectLostAtTheEnd(ws, f, new Date("2026-04-04T14:00:00Z"));
  });
});

describe("do not contact: lost card", () => {
  it("silences the case at once: no action, no email, flagged for the merchant", async () => {
    const ws = await createScenarioWorkspace(h, { label: "lost" });
    const f = await failPayment(h, ws, { code: "lost_card", customer: "cus_lost" });
    // The sandbox's own simulation goes the same way.
    const simulated = await simulateFailedRenewals(h.deps, { workspaceId: ws.id, declineCode: "stolen_card", count: 2 });
    expect(simulated.map((r) => r.result === "opened" && r.status)).toEqual(["silenced", "silenced"]);

    expect(f.result).toMatchObject({ result: "opened", status: "silenced", classification: { category: "do_not_contact" } });
    const c = await caseOf(h, f.caseId);
    expect(c).toMatchObject({ status: "silenced", needsAttention: true, declineCategory: "do_not_contact", declineCode: "lost_card" });
    expect(c.closedAt?.toISOString()).toBe(SCENARIO_START.toISOString());
    expect(await actionsOf(h, { workspaceId: ws.id })).toEqual([]);
    expect((await threadOf(h, f.threadId)).status).toBe("closed");
    expect(await kinds(f.threadId)).toEqual(["payment_failed", "classified", "silenced"]);

    const run = await advance(h, ws, { to: END });
    expect(run.performed).toBe(0);
    expect(h.notifier.callsFor(ws.id)).toEqual([]);
    expect(await chargesOf(h, ws)).toEqual([]);
    expect((await caseOf(h, f.caseId)).status).toBe("silenced");
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });

  // BUG (open-case.ts applyNewDecline / actions.ts sendEmail): a later failure of an open case that comes back as do-not-contact
  // (here the provider's own retry reports the card lost) cancels the retries and sets needsAttention, but leaves the case open and
  // the thread's emails planned: the customer keeps getting dunning emails although DESIGN.md says do-not-contact cases are never messaged.
  it("stops messaging when a later attempt on an open case comes back do-not-contact", async () => {
    const ws = await createScenarioWorkspace(h, { label: "lost-later" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_lost_later" });
    await advance(h, ws, { hours: 1 });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);

    const later = await failPayment(h, ws, {
      code: "lost_card",
      customer: "cus_lost_later",
      invoice: f.invoiceExternalId,
      source: "provider_retry",
      eventKey: "evt_provider_retry_lost",
    });
    expect(later.result.result).toBe("updated");
    expect(await caseOf(h, f.caseId)).toMatchObject({ needsAttention: true, declineCategory: "do_not_contact" });

    await advance(h, ws, { to: END });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
  });
});

describe("revoked", () => {
  it("treats a revocation as a cancellation: no retry, no dunning, flagged", async () => {
    const ws = await createScenarioWorkspace(h, { label: "revoked" });
    const f = await failPayment(h, ws, { code: "revocation_of_authorization", customer: "cus_revoked" });
    expect(f.result).toMatchObject({ status: "cancelled", classification: { category: "revoked" } });
    expect(await caseOf(h, f.caseId)).toMatchObject({ status: "cancelled", needsAttention: true, declineCategory: "revoked" });
    expect(await actionsOf(h, { workspaceId: ws.id })).toEqual([]);
    expect((await threadOf(h, f.threadId)).status).toBe("closed");
    expect(await kinds(f.threadId)).toEqual(["payment_failed", "classified", "cancelled"]);

    expect((await advance(h, ws, { to: END })).performed).toBe(0);
    expect(h.notifier.callsFor(ws.id)).toEqual([]);
    expect(await chargesOf(h, ws)).toEqual([]);
  });
});

describe("paid by the billing provider's own retry", () => {
  it("closes as recovered via provider_retry mid-sequence, sends one receipt, and nothing more", async () => {
    const ws = await createScenarioWorkspace(h, { label: "provider-retry" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_provider" });
    await advance(h, ws, { to: at(3, 1) });
    expect(h.notifier.dunningFor(ws.id).map((e) => e.step.day)).toEqual([0, 3]);

    const paid = await recordInvoicePaid(h.deps, {
      workspaceId: ws.id,
      provider: "sandbox",
      invoiceExternalId: f.invoiceExternalId,
      via: "provider_retry",
    });
    expect(paid).toEqual({ result: "recovered", caseId: f.caseId });
    const c = await caseOf(h, f.caseId);
    expect(c).toMatchObject({ status: "recovered", recoveredVia: "provider_retry", recoveredAmount: 4900, attributedEmailDay: null });
    expect(c.closedAt?.toISOString()).toBe(at(3, 1).toISOString());
    expect((await invoiceOf(h, ws, f.invoiceExternalId)).status).toBe("paid");
    expect((await subscriptionOf(h, ws, "sub_cus_provider")).status).toBe("active");
    expect((await threadOf(h, f.threadId)).status).toBe("closed");
    expect(await openActionsOf(h, { threadId: f.threadId })).toEqual([]);
    const recovered = (await timelineOf(h, f.threadId)).find((e) => e.kind === "recovered");
    expect(recovered).toMatchObject({ actor: "billing", data: { via: "provider_retry", emailDay: null } });
    expect(h.notifier.receiptsFor(ws.id)).toHaveLength(1);

    // The same news again changes nothing and sends no second receipt.
    const again = await recordInvoicePaid(h.deps, { workspaceId: ws.id, provider: "sandbox", invoiceExternalId: f.invoiceExternalId, via: "provider_retry" });
    expect(again.result).toBe("ignored");
    expect((await advance(h, ws, { days: 30 })).performed).toBe(0);
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(2);
    expect(h.notifier.receiptsFor(ws.id)).toHaveLength(1);
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});

describe("the seeded model", () => {
  it("every sandbox charge of a scenario is what the model gives for its seed, key and time", async () => {
    const ws = await createScenarioWorkspace(h, { label: "model" });
    const f = await failPayment(h, ws, { code: "card_velocity_exceeded", customer: "cus_model", timezone: "Asia/Tokyo" });
    await advance(h, ws, { to: END });
    const charges = await chargesOf(h, ws);
    expect(charges.length).toBeGreaterThan(0);
    charges.forEach((charge, i) => {
      const expected = retrySucceeds({
        seed: h.seedOf(ws.id),
        invoiceKey: f.invoiceExternalId,
        idempotencyKey: charge.idempotencyKey,
        failsWith: "card_velocity_exceeded",
        at: charge.at,
        timezone: "Asia/Tokyo",
        attempt: i + 1,
      });
      expect(charge.outcome).toBe(expected);
    });
    // Whichever way it went, the case is closed and nothing is left to run.
    const c = await caseOf(h, f.caseId);
    expect(["recovered", "lost"]).toContain(c.status);
    expect(charges.filter((x) => x.outcome === "succeeded").length).toBe(c.status === "recovered" ? 1 : 0);
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});
