import crypto from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type createSandboxProvider } from "@/server/billing/sandbox/provider";
import { saveSandboxCard } from "@/server/billing/sandbox/simulate";
import type { Database } from "@/server/db/client";
import { customers, dunningThreads, invoices, recoveryCases, sandboxCharges, scheduledActions } from "@/server/db/schema";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import { type Notifier, type ReceiptEmail, type RecoveryDeps, type SchedulerHooks } from "@/server/recovery/ports";
import { openTestDatabase } from "@/server/testing/database";
import { sandboxTestWorkspace } from "./test-workspace";
import type { CardUpdatedData } from "../../events";
import { createCardUpdated } from "./card-updated";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});

/** A sandbox workspace and recovery deps on the test database, with a notifier and scheduler hooks that record their calls. */
async function sandboxWorkspace(start: string) {
  const receipts: ReceiptEmail[] = [];
  const hookCalls: string[] = [];
  const notifier: Notifier = {
    async sendDunningEmail() {
      return { messageId: "dunning", duplicate: false };
    },
    // Like the outbox: the same idempotency key sends nothing new.
    async sendReceipt(receipt) {
      const index = receipts.findIndex((r) => r.idempotencyKey === receipt.idempotencyKey);
      if (index >= 0) return { messageId: `receipt_${index + 1}`, duplicate: true };
      receipts.push(receipt);
      return { messageId: `receipt_${receipts.length}`, duplicate: false };
    },
  };
  const hooks: SchedulerHooks = {
    async threadPlanned({ threadId }) {
      hookCalls.push(`threadPlanned:${threadId}`);
    },
    async threadClosed({ threadId }) {
      hookCalls.push(`threadClosed:${threadId}`);
    },
  };
  const { deps, sandbox, workspaceId } = await sandboxTestWorkspace(database, { start, name: "Inngest card update", notifier, hooks });
  return { deps, sandbox, receipts, hookCalls, workspaceId };
}

/** One customer, two failed invoices (expired card): one thread, two open cases. */
async function customerWithTwoFailedInvoices(deps: RecoveryDeps, workspaceId: string) {
  const key = crypto.randomBytes(5).toString("hex");
  const customer = { externalId: `cus_${key}`, email: `grace-${key}@example.com`, name: "Grace Hopper", timezone: "UTC" };
  const cases: string[] = [];
  let threadId = "";
  for (const n of [1, 2]) {
    const opened = await recordPaymentFailure(deps, {
      workspaceId,
      provider: "sandbox",
      eventKey: `evt_${key}_${n}`,
      customer,
      subscription: { externalId: `sub_${key}_${n}`, planName: "Growth", amount: 4900 * n, currency: "usd" },
      invoice: { externalId: `in_${key}_${n}`, number: `INV-${key}-${n}`, amountDue: 4900 * n, currency: "usd" },
      decline: { code: "card_declined", declineCode: "expired_card" },
      source: "initial",
    });
    if (opened.result !== "opened") throw new Error(`case not opened: ${opened.result}`);
    cases.push(opened.caseId);
    threadId = opened.threadId;
  }
  return { customerExternalId: customer.externalId, caseIds: cases, threadId };
}

/** The customer puts a card that works on file (what the hosted card-update page does). */
async function putGoodCardOnFile(deps: RecoveryDeps, sandbox: ReturnType<typeof createSandboxProvider>, workspaceId: string, customerExternalId: string) {
  const [customer] = await deps.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, customerExternalId)));
  const card = await saveSandboxCard(deps, { workspaceId, customerId: customer!.id, number: "4242424242424242", expiry: "12/2040", cvc: "123" });
  if (!card.ok) throw new Error("card not saved");
  await sandbox.setDefaultPaymentMethod({ workspaceId, customerExternalId, paymentMethodRef: card.paymentMethodRef, subscriptionExternalIds: [] });
}

/**
 * @inngest/test can run the step after a Promise.all of steps more than once
 * (real Inngest runs a step that succeeded once, and at least once when it
 * fails), so hook calls are compared without repeats: telling the run twice
 * is harmless.
 */
const distinct = (calls: string[]) => [...new Set(calls)];

function engineFor(deps: RecoveryDeps, event: { id: string; data: CardUpdatedData }) {
  return new InngestTestEngine({
    function: createCardUpdated(async () => deps),
    events: [{ id: event.id, name: "reclaim/card.updated", data: event.data }],
  });
}

describe("recovery-card-updated", () => {
  it("charges every open invoice in its own step, closes the paid cases and the thread, and sends one receipt", async () => {
    const { deps, sandbox, receipts, hookCalls, workspaceId } = await sandboxWorkspace("2031-04-04T09:00:00Z");
    const { customerExternalId, caseIds, threadId } = await customerWithTwoFailedInvoices(deps, workspaceId);
    await putGoodCardOnFile(deps, sandbox, workspaceId, customerExternalId);
    hookCalls.length = 0;
    const eventId = `evt-card-${crypto.randomBytes(4).toString("hex")}`;
    const data: CardUpdatedData = { workspaceId, threadId, caseIds, linkId: null, emailDay: null, messageKey: null, via: "card_updater" };

    const { result, error, ctx } = await engineFor(deps, { id: eventId, data }).execute();

    expect(error).toBeUndefined();
    expect(ctx.step.run.mock.calls.map((call) => call[0])).toEqual([...caseIds.map((id) => `pay-${id}`), "after-payments"]);
    expect(result).toMatchObject({
      thread: "closed",
      invoices: caseIds.map((caseId) => ({ caseId, outcome: "paid" })),
    });
    const closed = await deps.db.select().from(recoveryCases).where(inArray(recoveryCases.id, caseIds));
    expect(closed.map((c) => [c.status, c.recoveredVia])).toEqual([
      ["recovered", "card_updater"],
      ["recovered", "card_updater"],
    ]);
    const paid = await deps.db.select({ status: invoices.status }).from(invoices).where(inArray(invoices.id, closed.map((c) => c.invoiceId)));
    expect(paid.map((i) => i.status)).toEqual(["paid", "paid"]);
    // One charge per invoice, under a key made from the event and the case.
    const charges = await deps.db.select().from(sandboxCharges).where(eq(sandboxCharges.workspaceId, workspaceId));
    expect(charges.map((c) => c.idempotencyKey).sort()).toEqual(caseIds.map((id) => `card-updater:${eventId}:${id}`).sort());
    // Nothing is left to send, one receipt covers both invoices, and the thread's run is cancelled.
    const [thread] = await deps.db.select().from(dunningThreads).where(eq(dunningThreads.id, threadId));
    expect(thread?.status).toBe("closed");
    const pending = await deps.db
      .select()
      .from(scheduledActions)
      .where(and(eq(scheduledActions.threadId, threadId), eq(scheduledActions.status, "pending")));
    expect(pending).toEqual([]);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.invoices.map((i) => i.amount).sort()).toEqual([4900, 9800]);
    expect(distinct(hookCalls)).toEqual([`threadClosed:${threadId}`]);

    // The same event again (a redelivery) charges nothing twice and sends no second receipt.
    const again = await engineFor(deps, { id: eventId, data }).execute();
    expect(again.error).toBeUndefined();
    expect(again.result).toMatchObject({ invoices: caseIds.map((caseId) => ({ caseId, outcome: "already_settled" })) });
    expect(await deps.db.select().from(sandboxCharges).where(eq(sandboxCharges.workspaceId, workspaceId))).toHaveLength(2);
    expect(receipts).toHaveLength(1);
  });

  it("keys the charges by the link for a card update made through a link, and wakes the run when a case stays open", async () => {
    const { deps, sandbox, hookCalls, workspaceId } = await sandboxWorkspace("2031-06-06T09:00:00Z");
    const { customerExternalId, caseIds, threadId } = await customerWithTwoFailedInvoices(deps, workspaceId);
    await putGoodCardOnFile(deps, sandbox, workspaceId, customerExternalId);
    hookCalls.length = 0;
    const [paidCase, openCase] = caseIds as [string, string];
    const linkId = `link_${crypto.randomBytes(4).toString("hex")}`;
    const data: CardUpdatedData = { workspaceId, threadId, caseIds: [paidCase], linkId, emailDay: 3, messageKey: "msg_day_3", via: "card_update" };

    const { result, error } = await engineFor(deps, { id: "evt-link", data }).execute();

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ thread: "open", invoices: [{ caseId: paidCase, outcome: "paid" }] });
    const charges = await deps.db.select().from(sandboxCharges).where(eq(sandboxCharges.workspaceId, workspaceId));
    expect(charges.map((c) => c.idempotencyKey)).toEqual([`card-update:${linkId}:${paidCase}`]);
    const [recovered] = await deps.db.select().from(recoveryCases).where(eq(recoveryCases.id, paidCase));
    expect(recovered).toMatchObject({ status: "recovered", recoveredVia: "card_update", attributedEmailDay: 3, attributedMessageId: "msg_day_3" });
    const [stillOpen] = await deps.db.select().from(recoveryCases).where(eq(recoveryCases.id, openCase));
    expect(stillOpen?.status).toBe("open");
    expect(distinct(hookCalls)).toEqual([`threadPlanned:${threadId}`]);
  });
});
