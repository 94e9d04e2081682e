/**
 * Repeated events, racing workers and crashed workers: whatever happens twice,
 * the customer gets each email once and each retry charges once.
 */
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { scheduledActions } from "@/server/db/schema";
import { createLocalDriver } from "@/server/scheduler/local-driver";
import { claimAction, LEASE_MS, MAX_RUNS, performAction, rowsOf, runClaimedAction } from "./actions";
import { setSandboxClock } from "./context";
import type { BillingProvider, ChargeResult } from "./ports";
import {
  actionsOf,
  advance,
  at,
  attemptsOf,
  caseOf,
  casesOf,
  chargesOf,
  chooseRetrySeed,
  closedCasesWithOpenActions,
  createHarness,
  createScenarioWorkspace,
  failPayment,
  nowOf,
  openActionsOf,
  openScenarioDatabase,
  SCENARIO_START,
  threadOf,
  timelineOf,
  type Harness,
  type ScenarioWorkspace,
} from "@/server/testing/recovery";

const database = await openScenarioDatabase();
let h: Harness;

beforeAll(() => {
  h = createHarness(database);
});

async function actionRow(id: string) {
  const [row] = await h.db.select().from(scheduledActions).where(eq(scheduledActions.id, id));
  if (!row) throw new Error("action not found");
  return row;
}

async function actionByStep(threadId: string, step: string) {
  const action = (await actionsOf(h, { threadId })).find((a) => a.step === step);
  if (!action) throw new Error(`no action ${step}`);
  return action;
}

/** A billing provider whose retries charge for real and then never answer: the worker died after the charge. */
function hangingAfterCharge() {
  let reached = () => {};
  let release = () => {};
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const wrap = (provider: BillingProvider): BillingProvider => ({
    ...provider,
    async retryInvoice(args) {
      const result = await provider.retryInvoice(args);
      reached();
      await released;
      return result;
    },
  });
  return { wrap, reached: reachedPromise, release };
}

/** Records what the provider answered to each retry. */
function spyingOnCharges() {
  const answers: { idempotencyKey: string; result: ChargeResult }[] = [];
  const wrap = (provider: BillingProvider): BillingProvider => ({
    ...provider,
    async retryInvoice(args) {
      const result = await provider.retryInvoice(args);
      answers.push({ idempotencyKey: args.idempotencyKey, result });
      return result;
    },
  });
  return { wrap, answers };
}

describe("duplicate events", () => {
  it("the same failure event twice opens one case with one attempt and one plan", async () => {
    const ws = await createScenarioWorkspace(h, { label: "dup-event" });
    const first = await failPayment(h, ws, { code: "expired_card", customer: "cus_dup" });
    const planned = await actionsOf(h, { threadId: first.threadId });
    const again = await failPayment(h, ws, { code: "expired_card", customer: "cus_dup", invoice: first.invoiceExternalId, eventKey: first.eventKey });
    expect(again.result).toEqual({ result: "ignored", reason: "This failure was already recorded", caseId: first.caseId });

    expect(await casesOf(h, ws)).toHaveLength(1);
    expect(await attemptsOf(h, first.caseId)).toHaveLength(1);
    expect((await actionsOf(h, { threadId: first.threadId })).map((a) => a.id)).toEqual(planned.map((a) => a.id));
    expect((await timelineOf(h, first.threadId)).filter((e) => e.kind === "payment_failed")).toHaveLength(1);

    await advance(h, ws, { days: 31 });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(6);
  });

  it("the same failure event delivered twice at once still opens one case", async () => {
    const ws = await createScenarioWorkspace(h, { label: "dup-concurrent" });
    const [a, b] = await Promise.all([
      failPayment(h, ws, { code: "do_not_honor", customer: "cus_dupc", invoice: "in_dupc", eventKey: "evt_dupc" }),
      failPayment(h, ws, { code: "do_not_honor", customer: "cus_dupc", invoice: "in_dupc", eventKey: "evt_dupc" }),
    ]);
    expect([a.result.result, b.result.result].sort()).toEqual(["ignored", "opened"]);
    expect(a.caseId).toBe(b.caseId);
    expect(await casesOf(h, ws)).toHaveLength(1);
    expect(await attemptsOf(h, a.caseId)).toHaveLength(1);
    const actions = await actionsOf(h, { threadId: a.threadId });
    expect(actions.filter((x) => x.kind === "email")).toHaveLength(6);
    expect(actions.filter((x) => x.kind === "retry")).toHaveLength(4);
  });

  it("a second failed invoice of the customer joins the open thread: one series of emails naming both invoices", async () => {
    const ws = await createScenarioWorkspace(h, { label: "join" });
    const first = await failPayment(h, ws, { code: "expired_card", customer: "cus_join", amount: 4900 });
    await advance(h, ws, { days: 1 });
    const second = await failPayment(h, ws, { code: "expired_card", customer: "cus_join", amount: 1900 });
    expect(second.result.result).toBe("opened");
    expect(second.threadId).toBe(first.threadId);
    expect(second.caseId).not.toBe(first.caseId);

    const actions = await actionsOf(h, { threadId: first.threadId });
    expect(actions.filter((a) => a.kind === "email")).toHaveLength(6);
    expect(actions.filter((a) => a.caseId === second.caseId).map((a) => a.step).sort()).toEqual(["final:cancel", "grace"]);
    expect((await timelineOf(h, first.threadId)).filter((e) => e.kind === "joined_thread").map((e) => e.caseId)).toEqual([second.caseId]);

    await advance(h, ws, { to: at(33) });
    const emails = h.notifier.dunningFor(ws.id);
    expect(emails).toHaveLength(6);
    expect(emails.map((e) => e.step.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(emails[0]!.invoices.map((i) => i.invoiceNumber)).toEqual([`INV-${first.invoiceExternalId}`]);
    for (const email of emails.slice(1)) {
      expect(email.invoices).toEqual([
        { invoiceNumber: `INV-${first.invoiceExternalId}`, amount: 4900, currency: "usd" },
        { invoiceNumber: `INV-${second.invoiceExternalId}`, amount: 1900, currency: "usd" },
      ]);
    }
    // Each case ends on its own date; the thread closes with the last one.
    expect((await caseOf(h, first.caseId)).closedAt?.toISOString()).toBe("2026-04-04T14:00:00.000Z");
    expect((await caseOf(h, second.caseId)).closedAt?.toISOString()).toBe("2026-04-05T14:00:00.000Z");
    expect((await casesOf(h, ws)).map((c) => c.status)).toEqual(["lost", "lost"]);
    expect((await threadOf(h, first.threadId)).status).toBe("closed");
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });

  it("two invoices of one customer failing at the same moment share one thread", async () => {
    const ws = await createScenarioWorkspace(h, { label: "join-concurrent" });
    const [a, b] = await Promise.all([
      failPayment(h, ws, { code: "expired_card", customer: "cus_pair", invoice: "in_pair_1", subscription: "sub_pair_1" }),
      failPayment(h, ws, { code: "expired_card", customer: "cus_pair", invoice: "in_pair_2", subscription: "sub_pair_2" }),
    ]);
    expect(a.threadId).toBe(b.threadId);
    expect((await actionsOf(h, { threadId: a.threadId })).filter((x) => x.kind === "email")).toHaveLength(6);
  });
});

describe("racing workers", () => {
  it("of two concurrent claims of one action exactly one wins", async () => {
    const ws = await createScenarioWorkspace(h, { label: "claim-race" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_claim" });
    const email = await actionByStep(f.threadId, "email:1:day-0");
    const claims = await Promise.all([claimAction(h.deps, email.id), claimAction(h.deps, email.id), claimAction(h.deps, email.id)]);
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ status: "running", runCount: 1 });
    await performAction(h.deps, won[0]!);
    expect(await claimAction(h.deps, email.id)).toBeNull();
    expect(await actionRow(email.id)).toMatchObject({ status: "done", runCount: 1 });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
  });

  it("two local drivers over the same due actions perform each once: one email per step, one charge per retry", async () => {
    const ws = await createScenarioWorkspace(h, { label: "drivers" });
    const customers = ["cus_drv_a", "cus_drv_b", "cus_drv_c"];
    const hard = await Promise.all(customers.slice(0, 2).map((customer) => failPayment(h, ws, { code: "expired_card", customer })));
    const soft = await failPayment(h, ws, { code: "generic_decline", customer: customers[2]! });
    await chooseRetrySeed(h, ws, soft.caseId, ["failed"]);
    // Day 3 at 10:00 in New York: each thread's emails of days 0 and 3 and the soft case's first retry are due, none has run.
    const due = new Date("2026-03-07T15:00:00Z");
    await setSandboxClock(h.db, ws.id, due);
    const dueActions = (await openActionsOf(h, { workspaceId: ws.id })).filter((a) => a.dueAt <= due);
    expect(dueActions.map((a) => a.kind).sort()).toEqual(["email", "email", "email", "email", "email", "email", "retry"]);

    const drain = async () => {
      const driver = createLocalDriver(h.deps, { batchSize: 1, concurrency: 2 });
      let total = 0;
      for (let n = await driver.tick(); n > 0; n = await driver.tick()) total += n;
      return total;
    };
    // The drivers claim what is due in every workspace of the database: count it all.
    const dueEverywhere = rowsOf<{ n: number }>(
      await h.db.execute(sql`
        select count(*)::int as n from scheduled_actions a left join sandbox_clocks c on c.workspace_id = a.workspace_id
        where a.status = 'pending' and a.due_at <= coalesce(c.now, ${h.clock.now().toISOString()}::timestamptz)`),
    )[0]!.n;
    const [one, two] = await Promise.all([drain(), drain()]);
    expect(one + two).toBe(dueEverywhere);

    for (const action of dueActions) expect(await actionRow(action.id)).toMatchObject({ status: "done", runCount: 1 });
    const calls = h.notifier.callsFor(ws.id);
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => !c.duplicate)).toBe(true);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(6);
    for (const f of [...hard, soft]) {
      expect(h.notifier.dunningFor(ws.id).filter((e) => e.to === `${f.customerExternalId}@example.com`).map((e) => e.step.day).sort()).toEqual([0, 3]);
      expect((await timelineOf(h, f.threadId)).filter((e) => e.kind === "email_sent")).toHaveLength(2);
    }
    const charges = await chargesOf(h, ws);
    const retry = dueActions.find((a) => a.kind === "retry")!;
    expect(charges.map((c) => c.idempotencyKey)).toEqual([retry.idempotencyKey]);
    expect(await attemptsOf(h, soft.caseId)).toHaveLength(2);
    expect((await caseOf(h, soft.caseId)).retryCount).toBe(1);

    // Nothing is left for a third driver.
    expect(await createLocalDriver(h.deps).tick()).toBe(0);
  });
});

describe("a worker that crashes mid-action", () => {
  it("email: the action is claimable again once the lease lapses, runs once more, and the mailer sends nothing new", async () => {
    const ws = await createScenarioWorkspace(h, { label: "crash-email" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_crash_mail" });
    const email = await actionByStep(f.threadId, "email:1:day-0");

    const claimed = await claimAction(h.deps, email.id);
    expect(claimed).not.toBeNull();
    const stuck = h.notifier.hangNext();
    const deadWorker = performAction(h.deps, claimed!);
    await stuck.reached;
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);

    // Until the lease lapses nobody else may take it.
    h.clock.advance(LEASE_MS - 1_000);
    expect(await claimAction(h.deps, email.id)).toBeNull();
    h.clock.advance(2_000);
    const reclaimed = await claimAction(h.deps, email.id);
    expect(reclaimed).toMatchObject({ status: "running", runCount: 2 });
    const outcome = await performAction(h.deps, reclaimed!);
    expect(outcome).toMatchObject({ status: "done", result: { duplicate: true } });

    const calls = h.notifier.callsFor(ws.id);
    expect(calls.map((c) => c.idempotencyKey)).toEqual([`email:${email.idempotencyKey}`, `email:${email.idempotencyKey}`]);
    expect(calls.map((c) => c.duplicate)).toEqual([false, true]);
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    expect(await actionRow(email.id)).toMatchObject({ status: "done", runCount: 2, result: { duplicate: true } });
    expect((await timelineOf(h, f.threadId)).filter((e) => e.kind === "email_sent")).toHaveLength(1);
    expect((await threadOf(h, f.threadId)).emailsSent).toBe(1);

    // The dead worker wakes up late: it cannot overwrite the newer run or write a second entry.
    stuck.release();
    await deadWorker;
    expect(await actionRow(email.id)).toMatchObject({ status: "done", runCount: 2, result: { duplicate: true } });
    expect((await timelineOf(h, f.threadId)).filter((e) => e.kind === "email_sent")).toHaveLength(1);
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    // The thread's count of emails sent (the Overview's dunning step) follows the entries: once.
    expect((await threadOf(h, f.threadId)).emailsSent).toBe(1);
  });

  it("email: a re-run after the email was recorded (the worker died before completing) counts it once on the thread", async () => {
    const ws = await createScenarioWorkspace(h, { label: "crash-email-count" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_crash_count" });
    const email = await actionByStep(f.threadId, "email:1:day-0");
    expect((await threadOf(h, f.threadId)).emailsSent).toBe(0);

    // A batch worker runs the action (email sent, entry and count written) and dies before completing it.
    const claimed = await claimAction(h.deps, email.id);
    expect(await runClaimedAction(h.deps, claimed!, await nowOf(h, ws))).toMatchObject({ status: "done", result: { duplicate: false } });
    expect((await threadOf(h, f.threadId)).emailsSent).toBe(1);
    expect(await actionRow(email.id)).toMatchObject({ status: "running", runCount: 1 });

    // The lease lapses; the action runs again in full, and once more by hand: nothing is counted twice.
    h.clock.advance(LEASE_MS + 1_000);
    const reclaimed = await claimAction(h.deps, email.id);
    expect(await performAction(h.deps, reclaimed!)).toMatchObject({ status: "done", result: { duplicate: true } });
    await runClaimedAction(h.deps, reclaimed!, await nowOf(h, ws));
    expect((await timelineOf(h, f.threadId)).filter((e) => e.kind === "email_sent")).toHaveLength(1);
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    expect((await threadOf(h, f.threadId)).emailsSent).toBe(1);
  });

  it("retry: after the lease lapses the re-run gets the recorded charge back and no second charge exists", async () => {
    const ws = await createScenarioWorkspace(h, { label: "crash-retry" });
    const f = await failPayment(h, ws, { code: "insufficient_funds", customer: "cus_crash_retry" });
    await chooseRetrySeed(h, ws, f.caseId, ["failed"]);
    const retry = await actionByStep(f.threadId, "retry:1");
    await advance(h, ws, { to: new Date(retry.dueAt.getTime() - 60_000) });
    await setSandboxClock(h.db, ws.id, retry.dueAt);

    const crash = hangingAfterCharge();
    const claimed = await claimAction(h.deps, retry.id);
    const deadWorker = performAction(h.withBilling(crash.wrap), claimed!);
    await crash.reached;
    const [charge] = await chargesOf(h, ws);
    expect(charge).toMatchObject({ idempotencyKey: retry.idempotencyKey, outcome: "failed" });

    h.clock.advance(LEASE_MS + 1_000);
    const spy = spyingOnCharges();
    const reclaimed = await claimAction(h.deps, retry.id);
    expect(reclaimed?.runCount).toBe(2);
    expect(await performAction(h.withBilling(spy.wrap), reclaimed!)).toMatchObject({ status: "done", result: { outcome: "failed" } });
    expect(spy.answers).toEqual([{ idempotencyKey: retry.idempotencyKey, result: expect.objectContaining({ outcome: "failed", providerRef: charge!.id }) }]);

    expect(await chargesOf(h, ws)).toHaveLength(1);
    expect((await attemptsOf(h, f.caseId)).map((a) => [a.source, a.outcome, a.providerRef])).toEqual([
      ["initial", "failed", `ch_${f.eventKey}`],
      ["reclaim_retry", "failed", charge!.id],
    ]);
    expect((await caseOf(h, f.caseId)).retryCount).toBe(1);

    crash.release();
    await deadWorker;
    expect(await chargesOf(h, ws)).toHaveLength(1);
    expect(await attemptsOf(h, f.caseId)).toHaveLength(2);
    expect((await caseOf(h, f.caseId)).retryCount).toBe(1);
    expect((await timelineOf(h, f.threadId)).filter((e) => e.kind === "retry_failed")).toHaveLength(1);
    expect(await actionRow(retry.id)).toMatchObject({ status: "done", runCount: 2 });
  });

  // BUG (actions.ts retry(), the `status === "paid"` branch): when a worker dies after a retry charged the card, the re-run finds the
  // invoice paid and closes the case as "out_of_band" ("Found paid before Reclaim's retry"): the recovery is not credited to Reclaim's
  // retry, no payment attempt is recorded for it, and no receipt is sent (that branch skips sendReceipts and hooks.threadClosed).
  it("retry that charged before the crash: the re-run credits Reclaim's retry and sends the receipt", async () => {
    const ws = await createScenarioWorkspace(h, { label: "crash-paid" });
    const f = await failPayment(h, ws, { code: "insufficient_funds", customer: "cus_crash_paid", cardFailsWith: null });
    const retry = await actionByStep(f.threadId, "retry:1");
    await advance(h, ws, { to: new Date(retry.dueAt.getTime() - 60_000) });
    await setSandboxClock(h.db, ws.id, retry.dueAt);

    const crash = hangingAfterCharge();
    const deadWorker = performAction(h.withBilling(crash.wrap), (await claimAction(h.deps, retry.id))!);
    try {
      await crash.reached;
      expect((await chargesOf(h, ws)).map((c) => c.outcome)).toEqual(["succeeded"]);

      h.clock.advance(LEASE_MS + 1_000);
      await performAction(h.deps, (await claimAction(h.deps, retry.id))!);
      expect(await chargesOf(h, ws)).toHaveLength(1);
      const c = await caseOf(h, f.caseId);
      expect(c.status).toBe("recovered");
      expect(c.recoveredVia).toBe("reclaim_retry");
      expect((await attemptsOf(h, f.caseId)).map((a) => a.source)).toEqual(["initial", "reclaim_retry"]);
      expect(h.notifier.receiptsFor(ws.id)).toHaveLength(1);
    } finally {
      crash.release();
      await deadWorker;
    }
  });

  // BUG (sandbox-clock.ts advanceSandboxClock, the `if (!claimed) { if (next.status === "running") break; ... }` branch): when an action
  // is held by another worker, the loop stops but the clock is still set to `to` and `remaining: false` is returned, so every later
  // action in between is skipped over and later runs at the wrong simulated time (all at once, at the new clock time).
  it("an advance blocked by an action another worker holds says so and does not jump past it", async () => {
    const ws = await createScenarioWorkspace(h, { label: "held" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_held" });
    const first = await actionByStep(f.threadId, "email:1:day-0");
    const stuck = h.notifier.hangNext();
    const deadWorker = performAction(h.deps, (await claimAction(h.deps, first.id))!);
    await stuck.reached;

    const run = await advance(h, ws, { days: 10 });
    const stopped = run.remaining || (await nowOf(h, ws)).getTime() <= first.dueAt.getTime();
    stuck.release();
    await deadWorker;
    expect(stopped).toBe(true);
  });

  it("a provider that keeps failing: the action goes back to pending with growing delays, then fails after MAX_RUNS with a timeline entry", async () => {
    const ws = await createScenarioWorkspace(h, { label: "provider-down" });
    const f = await failPayment(h, ws, { code: "generic_decline", customer: "cus_down" });
    const retry = await actionByStep(f.threadId, "retry:1");
    await advance(h, ws, { to: new Date(retry.dueAt.getTime() - 60_000) });
    const down = h.withBilling((provider) => ({
      ...provider,
      async getInvoiceStatus() {
        throw new Error("Sandbox billing is unavailable");
      },
    }));

    let dueAt = retry.dueAt;
    for (let run = 1; run <= MAX_RUNS; run++) {
      await setSandboxClock(h.db, ws.id, dueAt);
      const claimed = await claimAction(h.deps, retry.id);
      expect(claimed?.runCount).toBe(run);
      const outcome = await performAction(down, claimed!);
      const row = await actionRow(retry.id);
      if (run < MAX_RUNS) {
        expect(outcome).toEqual({ status: "retrying", error: "Sandbox billing is unavailable" });
        expect(row).toMatchObject({ status: "pending", runCount: run, leaseUntil: null, lastError: "Sandbox billing is unavailable" });
        expect(row.dueAt.getTime() - dueAt.getTime()).toBe(60_000 * 4 ** (run - 1));
        dueAt = row.dueAt;
      } else {
        expect(outcome).toEqual({ status: "failed", error: "Sandbox billing is unavailable" });
        expect(row).toMatchObject({ status: "failed", runCount: MAX_RUNS, lastError: "Sandbox billing is unavailable" });
      }
    }
    const failed = (await timelineOf(h, f.threadId)).filter((e) => e.kind === "action_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ caseId: f.caseId, outcome: "failed" });
    expect(failed[0]!.summary).toContain(`after ${MAX_RUNS} tries`);
    expect(await chargesOf(h, ws)).toEqual([]);
    expect(await claimAction(h.deps, retry.id)).toBeNull();

    // The rest of the plan is not held up: the other retries still run once the provider is back.
    await chooseRetrySeed(h, ws, f.caseId, ["failed", "failed", "failed"]);
    await advance(h, ws, { to: at(31) });
    expect((await chargesOf(h, ws)).map((c) => c.outcome)).toEqual(["failed", "failed", "failed"]);
    expect((await caseOf(h, f.caseId)).status).toBe("lost");
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });

  it("an email the mailer failed to send goes out on the next run, once", async () => {
    const ws = await createScenarioWorkspace(h, { label: "mail-down" });
    const f = await failPayment(h, ws, { code: "expired_card", customer: "cus_mail_down" });
    h.notifier.failNext(1);
    await advance(h, ws, { minutes: 30 });
    const email = await actionByStep(f.threadId, "email:1:day-0");
    expect(await actionRow(email.id)).toMatchObject({ status: "done", runCount: 2 });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    expect(h.notifier.dunningFor(ws.id)[0]!.at.toISOString()).toBe(new Date(SCENARIO_START.getTime() + 60_000).toISOString());
  });
});

describe("closed cases", () => {
  it("no recovered or closed case of this file's workspaces has an action that could still run", async () => {
    const ws: ScenarioWorkspace = await createScenarioWorkspace(h, { label: "sweep" });
    const lost = await failPayment(h, ws, { code: "expired_card", customer: "cus_sweep_lost" });
    const silenced = await failPayment(h, ws, { code: "stolen_card", customer: "cus_sweep_silenced" });
    const paid = await failPayment(h, ws, { code: "expired_card", customer: "cus_sweep_paid" });
    await advance(h, ws, { days: 5 });
    const { recordInvoicePaid } = await import("./close");
    await recordInvoicePaid(h.deps, { workspaceId: ws.id, provider: "sandbox", invoiceExternalId: paid.invoiceExternalId, via: "out_of_band" });
    await advance(h, ws, { days: 27 });
    expect((await caseOf(h, lost.caseId)).status).toBe("lost");
    expect((await caseOf(h, silenced.caseId)).status).toBe("silenced");
    expect((await caseOf(h, paid.caseId)).status).toBe("recovered");
    const stillPlanned = await h.db
      .select({ step: scheduledActions.step, status: scheduledActions.status })
      .from(scheduledActions)
      .where(eq(scheduledActions.workspaceId, ws.id));
    expect(stillPlanned.filter((a) => a.status === "pending" || a.status === "running")).toEqual([]);
    expect(await closedCasesWithOpenActions(h, ws)).toEqual([]);
  });
});
