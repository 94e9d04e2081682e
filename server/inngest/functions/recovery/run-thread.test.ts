import crypto from "node:crypto";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { and, asc, eq, ne } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/server/db/client";
import { dunningThreads, scheduledActions } from "@/server/db/schema";
import { recordInvoicePaid } from "@/server/recovery/close";
import { setSandboxClock, workspaceNow } from "@/server/recovery/context";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import { defaultPolicy } from "@/server/recovery/policy";
import { type DunningEmail, type Notifier, type RecoveryDeps } from "@/server/recovery/ports";
import { openTestDatabase } from "@/server/testing/database";
import { sandboxTestWorkspace } from "./test-workspace";
import { createInngestSchedulerHooks } from "../../hooks";
import { createRunThread, MAX_WAIT_MS, runThread } from "./run-thread";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});

/** Recovery deps on the test database: a virtual clock, the sandbox provider, a notifier that records what it is asked to send. */
async function sandboxWorkspace(start: string) {
  const emails: DunningEmail[] = [];
  const notifier: Notifier = {
    async sendDunningEmail(email) {
      emails.push(email);
      return { messageId: `msg_${emails.length}`, duplicate: false };
    },
    async sendReceipt() {
      return { messageId: "receipt", duplicate: false };
    },
  };
  const { deps, clock, workspaceId } = await sandboxTestWorkspace(database, { start, name: "Inngest run", notifier });
  return { deps, clock, emails, workspaceId };
}

/** An expired card: no retries, a day-0 email due at once, then the rest of the sequence. */
async function openExpiredCardCase(deps: RecoveryDeps, workspaceId: string) {
  const key = crypto.randomBytes(5).toString("hex");
  const opened = await recordPaymentFailure(deps, {
    workspaceId,
    provider: "sandbox",
    eventKey: `evt_${key}`,
    customer: { externalId: `cus_${key}`, email: `ada-${key}@example.com`, name: "Ada Lovelace", timezone: "UTC" },
    subscription: { externalId: `sub_${key}`, planName: "Growth", amount: 4900, currency: "usd" },
    invoice: { externalId: `in_${key}`, number: `INV-${key}`, amountDue: 4900, currency: "usd" },
    decline: { code: "card_declined", declineCode: "expired_card" },
    source: "initial",
  });
  if (opened.result !== "opened") throw new Error(`case not opened: ${opened.result}`);
  return { caseId: opened.caseId, threadId: opened.threadId, invoiceExternalId: `in_${key}` };
}

const actionsOf = (threadId: string) =>
  database.db.select().from(scheduledActions).where(eq(scheduledActions.threadId, threadId)).orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.step));

type WaitOptions = { event: unknown; timeout: Date; if?: string };
type WaitResult = { name: string; data: Record<string, unknown> } | null;

/**
 * Stands in for step.waitForEvent (mocking it through `steps` fails in
 * @inngest/test 1.0.0). The engine replays the handler from the top for every
 * new step, so `decide` runs once per wait id and replays get its answer again.
 */
function fakeWaits(decide: (id: string, options: WaitOptions) => Promise<WaitResult>) {
  const answers = new Map<string, Promise<WaitResult>>();
  const calls: { id: string; options: WaitOptions }[] = [];
  const waitForEvent = vi.fn((id: string, options: WaitOptions) => {
    let answer = answers.get(id);
    if (!answer) {
      calls.push({ id, options });
      answer = decide(id, options);
      answers.set(id, answer);
    }
    return answer;
  });
  return { waitForEvent, calls };
}

function engineFor(deps: RecoveryDeps, data: { workspaceId: string; threadId: string }, waitForEvent: ReturnType<typeof fakeWaits>["waitForEvent"]) {
  return new InngestTestEngine({
    function: createRunThread(async () => deps),
    events: [{ name: "reclaim/thread.planned", data }],
    transformCtx: (raw) => {
      const ctx = mockCtx(raw);
      // The fake's signature is narrower than the SDK's generic step tool.
      ctx.step.waitForEvent = waitForEvent as unknown as typeof ctx.step.waitForEvent;
      return ctx;
    },
  });
}

describe("recovery-run-thread", () => {
  it("performs the due day-0 email, waits until each next action, and runs the sequence to its end", async () => {
    const { deps, clock, emails, workspaceId } = await sandboxWorkspace("2031-03-03T09:00:00Z");
    const { threadId } = await openExpiredCardCase(deps, workspaceId);
    const planned = await actionsOf(threadId);
    // Time passes until the wait times out: the real (virtual) clock and the sandbox test clock move together.
    const waits = fakeWaits(async (_id, options) => {
      const delta = options.timeout.getTime() - clock.now().getTime();
      clock.advance(delta);
      await setSandboxClock(deps.db, workspaceId, new Date((await workspaceNow(deps, workspaceId)).getTime() + delta));
      return null;
    });

    const { result, error, ctx } = await engineFor(deps, { workspaceId, threadId }, waits.waitForEvent).execute();

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ ended: "closed", performed: planned.length });
    // The day-0 email was performed at once, before any wait.
    const stepIds = ctx.step.run.mock.calls.map((call) => call[0]);
    const firstEmail = planned.find((a) => a.step === "email:1:day-0")!;
    expect(stepIds.slice(0, 2)).toEqual(["next-action-1", `perform-${firstEmail.id}-0`]);
    // Then it waited for the day-3 email: until its due time, woken early by a re-plan of this thread.
    const secondEmail = planned.find((a) => a.step === "email:2:day-3")!;
    expect(waits.calls[0]).toEqual({
      id: "wake-2",
      options: {
        event: expect.objectContaining({ name: "reclaim/thread.planned" }),
        timeout: secondEmail.dueAt,
        if: "async.data.threadId == event.data.threadId",
      },
    });
    // And so on: one wait per later due time, each ending exactly at it (no gap in this plan exceeds the cap).
    const laterDueTimes = [...new Set(planned.slice(1).map((a) => a.dueAt.getTime()))];
    expect(waits.calls.map((c) => c.options.timeout.getTime())).toEqual(laterDueTimes);
    // Every email of the policy went out once, in order; the grace and final actions ran; the thread closed.
    expect(emails.map((e) => e.step.index)).toEqual(defaultPolicy.emails.map((_, i) => i + 1));
    const after = await actionsOf(threadId);
    expect(after.map((a) => a.status)).toEqual(planned.map(() => "done"));
    expect(after.every((a) => a.runCount === 1)).toBe(true);
    const [thread] = await deps.db.select().from(dunningThreads).where(eq(dunningThreads.id, threadId));
    expect(thread?.status).toBe("closed");
  });

  it("a re-plan wakes the waiting run early, and a closed thread ends it", async () => {
    const { deps, emails, workspaceId } = await sandboxWorkspace("2031-05-05T09:00:00Z");
    const { threadId, invoiceExternalId } = await openExpiredCardCase(deps, workspaceId);
    const start = await workspaceNow(deps, workspaceId);
    const waits = fakeWaits(async (id) => {
      if (id === "wake-2") {
        // The plan changes while the run waits: the day-3 email is now due at once.
        const [secondEmail] = await deps.db.select().from(scheduledActions).where(eq(scheduledActions.idempotencyKey, `${threadId}:email:2`));
        await deps.db.update(scheduledActions).set({ dueAt: start }).where(eq(scheduledActions.id, secondEmail!.id));
        return { name: "reclaim/thread.planned", data: { workspaceId, threadId } };
      }
      // The customer pays some other way while the run waits for the day-7 email.
      await recordInvoicePaid(deps, { workspaceId, provider: "sandbox", invoiceExternalId, via: "out_of_band" });
      return null;
    });

    const { result, error } = await engineFor(deps, { workspaceId, threadId }, waits.waitForEvent).execute();

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ ended: "closed", performed: 2 });
    expect(waits.calls.map((c) => c.id)).toEqual(["wake-2", "wake-4"]);
    // Both emails went out without the clock moving: the second on the re-plan, not on day 3.
    expect(emails.map((e) => e.step.index)).toEqual([1, 2]);
    expect((await workspaceNow(deps, workspaceId)).getTime()).toBe(start.getTime());
    const remaining = await actionsOf(threadId);
    expect(remaining.filter((a) => a.status === "pending")).toEqual([]);
  });

  it("ends at once, performing nothing, when the thread is already closed", async () => {
    const { deps, emails, workspaceId } = await sandboxWorkspace("2031-07-07T09:00:00Z");
    const { threadId, invoiceExternalId } = await openExpiredCardCase(deps, workspaceId);
    await recordInvoicePaid(deps, { workspaceId, provider: "sandbox", invoiceExternalId, via: "out_of_band" });
    const waits = fakeWaits(async () => null);

    const { result, error, ctx } = await engineFor(deps, { workspaceId, threadId }, waits.waitForEvent).execute();

    expect(error).toBeUndefined();
    expect(result).toEqual({ ended: "closed", iterations: 1, performed: 0 });
    expect(ctx.step.run.mock.calls.map((call) => call[0])).toEqual(["next-action-1"]);
    expect(waits.calls).toEqual([]);
    expect(emails).toEqual([]);
    const actions = await actionsOf(threadId);
    expect(actions.every((a) => a.status === "cancelled" && a.runCount === 0)).toBe(true);
  });

  it("never waits longer than the cap, and reads the plan again after a capped wait", async () => {
    const { deps, clock, workspaceId } = await sandboxWorkspace("2031-09-09T09:00:00Z");
    const { threadId } = await openExpiredCardCase(deps, workspaceId);
    // Only the final action is left, 31 days out.
    await deps.db
      .update(scheduledActions)
      .set({ status: "cancelled" })
      .where(and(eq(scheduledActions.threadId, threadId), ne(scheduledActions.kind, "final_action")));
    const waits = fakeWaits(async (id) => {
      // The first capped wait times out with the clocks unmoved (as a sandbox test clock does); during the second, the thread closes.
      if (id !== "wake-1") await deps.db.update(dunningThreads).set({ status: "closed" }).where(eq(dunningThreads.id, threadId));
      return null;
    });

    const { result, error } = await engineFor(deps, { workspaceId, threadId }, waits.waitForEvent).execute();

    expect(error).toBeUndefined();
    expect(result).toEqual({ ended: "closed", iterations: 3, performed: 0 });
    expect(waits.calls.map((c) => [c.id, c.options.timeout.getTime()])).toEqual([
      ["wake-1", clock.now().getTime() + MAX_WAIT_MS],
      ["wake-2", clock.now().getTime() + MAX_WAIT_MS],
    ]);
  });
});

describe("starting and stopping thread runs", () => {
  it("keeps one run per thread and cancels it when the thread closes (flow control @inngest/test does not model)", () => {
    expect(runThread.opts).toMatchObject({
      id: "recovery-run-thread",
      singleton: { key: "event.data.threadId", mode: "skip" },
      concurrency: [{ key: "event.data.threadId", limit: 1 }],
      cancelOn: [{ event: expect.objectContaining({ name: "reclaim/thread.closed" }), if: "async.data.threadId == event.data.threadId" }],
    });
  });

  it("the scheduler hooks send thread.planned and thread.closed, and a failed send does not fail the caller", async () => {
    const sent: unknown[] = [];
    const warnings: string[] = [];
    let fail = false;
    const hooks = createInngestSchedulerHooks(
      {
        send: async (payload) => {
          if (fail) throw new Error("Inngest is unreachable");
          sent.push(payload);
          return { ids: ["1"] };
        },
      },
      { warn: (message) => warnings.push(message) },
    );

    await hooks.threadPlanned({ workspaceId: "ws_1", threadId: "th_1" });
    await hooks.threadClosed({ workspaceId: "ws_1", threadId: "th_1" });
    fail = true;
    await expect(hooks.threadPlanned({ workspaceId: "ws_1", threadId: "th_2" })).resolves.toBeUndefined();

    expect(sent).toEqual([
      expect.objectContaining({ name: "reclaim/thread.planned", data: { workspaceId: "ws_1", threadId: "th_1" } }),
      expect.objectContaining({ name: "reclaim/thread.closed", data: { workspaceId: "ws_1", threadId: "th_1" }, id: "thread-closed:th_1" }),
    ]);
    expect(warnings).toEqual([expect.stringContaining("thread th_2")]);
  });
});
