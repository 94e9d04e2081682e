import crypto from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/server/db/client";
import { scheduledActions } from "@/server/db/schema";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import { type DunningEmail, type Notifier, type RecoveryDeps } from "@/server/recovery/ports";
import { openTestDatabase } from "@/server/testing/database";
import { sandboxTestWorkspace } from "./test-workspace";
import { createSweep } from "./sweep";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});

/** Recovery deps on the test database, with a notifier that records every call (duplicates included). */
async function sandboxWorkspace(start: string) {
  const calls: DunningEmail[] = [];
  const notifier: Notifier = {
    async sendDunningEmail(email) {
      calls.push(email);
      return { messageId: `msg_${calls.length}`, duplicate: false };
    },
    async sendReceipt() {
      return { messageId: "receipt", duplicate: false };
    },
  };
  const { deps, workspaceId } = await sandboxTestWorkspace(database, { start, name: "Inngest sweep", notifier });
  return { deps, calls, workspaceId };
}

/**
 * The sweep claims what is due in the whole database. Under the Postgres run
 * every test file shares one database, so the sweep here claims one action a
 * round (its own, due first: this test's clock is years earlier than others')
 * to leave other files' actions alone.
 */
const sweepOptions = { batchSize: 1, maxRounds: 2 };

function engineFor(deps: RecoveryDeps) {
  return new InngestTestEngine({
    function: createSweep(async () => deps, sweepOptions),
    events: [{ name: "inngest/scheduled.timer", data: { cron: "*/5 * * * *" } }],
    steps: [{ id: "rearm-thread-runs", handler() {} }],
  });
}

describe("recovery-sweep", () => {
  it("performs a due action that no run performed, exactly once however often it runs", async () => {
    const { deps, calls, workspaceId } = await sandboxWorkspace("2001-02-05T10:00:00Z");
    const key = crypto.randomBytes(5).toString("hex");
    const opened = await recordPaymentFailure(deps, {
      workspaceId,
      provider: "sandbox",
      eventKey: `evt_${key}`,
      customer: { externalId: `cus_${key}`, email: `alan-${key}@example.com`, name: "Alan Turing", timezone: "UTC" },
      invoice: { externalId: `in_${key}`, number: `INV-${key}`, amountDue: 1900, currency: "usd" },
      decline: { code: "card_declined", declineCode: "expired_card" },
      source: "initial",
    });
    if (opened.result !== "opened") throw new Error("case not opened");
    const [dayZero] = await deps.db.select().from(scheduledActions).where(eq(scheduledActions.idempotencyKey, `${opened.threadId}:email:1`));
    expect(dayZero?.status).toBe("pending");

    // First sweep: the day-0 email is claimed, performed in its own step, and the thread's run is re-armed.
    const first = await engineFor(deps).execute();
    expect(first.error).toBeUndefined();
    const stepIds = first.ctx.step.run.mock.calls.map((call) => call[0]);
    expect(stepIds.slice(0, 2)).toEqual(["claim-due-1", `perform-${dayZero!.id}-1`]);
    expect(first.ctx.step.sendEvent).toHaveBeenCalledWith(
      "rearm-thread-runs",
      expect.arrayContaining([expect.objectContaining({ name: "reclaim/thread.planned", data: { workspaceId, threadId: opened.threadId } })]),
    );

    // Second sweep: nothing of this workspace is due any more, so nothing is sent again.
    const second = await engineFor(deps).execute();
    expect(second.error).toBeUndefined();

    const mine = calls.filter((c) => c.workspaceId === workspaceId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.step.index).toBe(1);
    const [after] = await deps.db.select().from(scheduledActions).where(eq(scheduledActions.id, dayZero!.id));
    expect(after).toMatchObject({ status: "done", runCount: 1 });
    // The rest of the plan is untouched: not due yet.
    const pending = await deps.db.select().from(scheduledActions).where(eq(scheduledActions.threadId, opened.threadId));
    expect(pending.filter((a) => a.id !== dayZero!.id).every((a) => a.status === "pending" && a.runCount === 0)).toBe(true);
  });
});
