import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import { outboxMessages, type Workspace } from "@/server/db/schema";
import { VirtualClock } from "@/server/recovery/clock";
import { assignCohort } from "@/server/recovery/cohort";
import { addTimeline } from "@/server/recovery/context";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import { noSchedulerHooks, silentLogger, type Notifier, type RecoveryDeps } from "@/server/recovery/ports";
import { advanceSandboxClock } from "@/server/recovery/sandbox-clock";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { countRecoveryCasesByStatus, getNextPlannedAction, getRecoveryCase, listRecoveryCases, listWorkspaceOutbox } from "./recoveries";

const database = await openTestDatabase();
const db = database.db;
const DAY = 24 * 60 * 60 * 1000;
const START = new Date("2026-03-02T09:00:00Z");

const noopNotifier: Notifier = {
  async sendDunningEmail() {
    return { messageId: crypto.randomUUID(), duplicate: false };
  },
  async sendReceipt() {
    return { messageId: crypto.randomUUID(), duplicate: false };
  },
};

const deps: RecoveryDeps = {
  db,
  clock: new VirtualClock(START),
  billing: async () => createSandboxProvider(db),
  notifier: noopNotifier,
  logger: silentLogger,
  hooks: noSchedulerHooks,
  appUrl: "http://localhost:3000",
};

const hex = () => crypto.randomBytes(5).toString("hex");

/** A customer id the workspace's cohort assignment puts in the treatment group (the holdout gets no plan to look at). */
function treatmentCustomer(workspace: Workspace): string {
  for (;;) {
    const id = `cus_${hex()}`;
    if (assignCohort(workspace.cohortSalt, id, 10) === "treatment") return id;
  }
}

async function fail(
  workspaceId: string,
  opts: { customer?: string; code?: string; amount?: number; currency?: string; name?: string } = {},
) {
  const customer = opts.customer ?? `cus_${hex()}`;
  const invoice = `in_${hex()}`;
  const result = await recordPaymentFailure(deps, {
    workspaceId,
    provider: "sandbox",
    eventKey: `test:${invoice}`,
    customer: {
      externalId: customer,
      email: `${customer}@example.com`,
      name: opts.name ?? `Customer ${customer}`,
      timezone: "Europe/Berlin",
    },
    subscription: { externalId: `sub_${customer}`, planName: "Growth", amount: opts.amount ?? 4900, currency: opts.currency ?? "usd" },
    invoice: {
      externalId: invoice,
      number: `INV-${invoice.slice(3, 9).toUpperCase()}`,
      amountDue: opts.amount ?? 4900,
      currency: opts.currency ?? "usd",
    },
    decline: { code: "card_declined", declineCode: opts.code ?? "insufficient_funds" },
    source: "initial",
  });
  if (result.result !== "opened") throw new Error(`expected a case to open, got ${result.result}`);
  return result;
}

let a: Workspace;
let b: Workspace;
let empty: Workspace;
/** Two invoices of one customer of A: they share a thread (one series of emails). */
let aFirst: Awaited<ReturnType<typeof fail>>;
let aSecond: Awaited<ReturnType<typeof fail>>;
let aSilenced: Awaited<ReturnType<typeof fail>>;
let bCase: Awaited<ReturnType<typeof fail>>;

beforeAll(async () => {
  const owner = await createTestUser(database, "recoveries");
  a = await createWorkspace(db, { name: `Recoveries A ${hex()}`, ownerId: owner.id });
  b = await createWorkspace(db, { name: `Recoveries B ${hex()}`, ownerId: owner.id });
  empty = await createWorkspace(db, { name: `Recoveries empty ${hex()}`, ownerId: owner.id });
  // Treatment in both workspaces, so both have a plan.
  let shared = treatmentCustomer(a);
  while (assignCohort(b.cohortSalt, shared, 10) !== "treatment") shared = treatmentCustomer(a);
  aFirst = await fail(a.id, { customer: shared, name: "Ada Lovelace" });
  aSecond = await fail(a.id, { customer: shared, name: "Ada Lovelace", amount: 12900, currency: "eur" });
  aSilenced = await fail(a.id, { code: "stolen_card" });
  // Same customer id and invoice shapes in B: nothing of it may leak into A.
  bCase = await fail(b.id, { customer: shared, name: "Ada Lovelace" });
});

describe("listRecoveryCases", () => {
  it("lists only the workspace's cases, newest first, with customer and invoice", async () => {
    const { items, nextCursor } = await listRecoveryCases(db, { workspaceId: a.id });
    expect(items.map((c) => c.id).sort()).toEqual([aFirst.caseId, aSecond.caseId, aSilenced.caseId].sort());
    expect(items.map((c) => c.id)).not.toContain(bCase.caseId);
    expect(nextCursor).toBeNull();
    const second = items.find((c) => c.id === aSecond.caseId)!;
    expect(second).toMatchObject({
      customerName: "Ada Lovelace",
      amount: 12900,
      currency: "eur",
      declineCode: "insufficient_funds",
      declineCategory: "soft",
      status: "open",
      stage: "past_due",
      retryCount: 0,
    });
    expect(second.invoiceNumber).toMatch(/^INV-/);
    const opened = items.map((c) => c.openedAt.getTime());
    expect(opened).toEqual([...opened].sort((x, y) => y - x));
  });

  it("filters by status", async () => {
    const silenced = await listRecoveryCases(db, { workspaceId: a.id, status: "silenced" });
    expect(silenced.items.map((c) => c.id)).toEqual([aSilenced.caseId]);
    expect(await listRecoveryCases(db, { workspaceId: b.id, status: "silenced" })).toEqual({ items: [], nextCursor: null });
  });

  it("pages with a cursor and never follows a cursor into another workspace", async () => {
    const all = (await listRecoveryCases(db, { workspaceId: a.id })).items.map((c) => c.id);
    const first = await listRecoveryCases(db, { workspaceId: a.id, limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual(all.slice(0, 2));
    expect(first.nextCursor).toBe(all[1]);
    const rest = await listRecoveryCases(db, { workspaceId: a.id, limit: 2, cursor: first.nextCursor! });
    expect(rest.items.map((c) => c.id)).toEqual(all.slice(2));
    expect(rest.nextCursor).toBeNull();
    // B's case id as a cursor in A (or A's in B) matches nothing rather than leaking B's position.
    expect((await listRecoveryCases(db, { workspaceId: a.id, cursor: bCase.caseId })).items).toEqual([]);
    expect((await listRecoveryCases(db, { workspaceId: b.id, cursor: aFirst.caseId })).items).toEqual([]);
  });
});

describe("countRecoveryCasesByStatus", () => {
  it("counts every status of the workspace only", async () => {
    expect(await countRecoveryCasesByStatus(db, { workspaceId: a.id })).toEqual({
      open: 2,
      recovered: 0,
      lost: 0,
      silenced: 1,
      cancelled: 0,
    });
    expect(await countRecoveryCasesByStatus(db, { workspaceId: b.id })).toMatchObject({ open: 1, silenced: 0 });
    expect(await countRecoveryCasesByStatus(db, { workspaceId: empty.id })).toEqual({
      open: 0,
      recovered: 0,
      lost: 0,
      silenced: 0,
      cancelled: 0,
    });
  });
});

describe("getRecoveryCase", () => {
  it("never returns a case of another workspace", async () => {
    expect(await getRecoveryCase(db, { workspaceId: a.id, caseId: bCase.caseId })).toBeNull();
    expect(await getRecoveryCase(db, { workspaceId: b.id, caseId: aFirst.caseId })).toBeNull();
    expect(await getRecoveryCase(db, { workspaceId: a.id, caseId: "not-a-case" })).toBeNull();
  });

  it("returns the case with its customer, invoice, subscription, attempts, plan and timeline", async () => {
    const detail = (await getRecoveryCase(db, { workspaceId: a.id, caseId: aFirst.caseId }))!;
    expect(detail.recoveryCase.id).toBe(aFirst.caseId);
    expect(detail.customer.name).toBe("Ada Lovelace");
    expect(detail.invoice).toMatchObject({ amountDue: 4900, currency: "usd", status: "open" });
    expect(detail.subscription).toEqual({ status: "past_due", planName: "Growth" });
    expect(detail.decline.label).toBe("Insufficient funds");
    expect(detail.decline.explanation).toContain("insufficient_funds");
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ source: "initial", outcome: "failed", declineCode: "insufficient_funds" });
    expect(detail.siblings.map((s) => s.id)).toEqual([aSecond.caseId]);

    // The case's own retries and stage changes, and the thread's emails; never the sibling's retries.
    const kinds = new Set(detail.actions.map((x) => x.kind));
    expect(kinds).toEqual(new Set(["retry", "email", "enter_grace", "final_action"]));
    expect(detail.actions.every((x) => x.caseId === aFirst.caseId || (x.kind === "email" && x.caseId === null))).toBe(true);
    const due = detail.actions.map((x) => x.dueAt.getTime());
    expect(due).toEqual([...due].sort((x, y) => x - y));

    // The sibling sees the same emails (one series per customer) but its own retries.
    const sibling = (await getRecoveryCase(db, { workspaceId: a.id, caseId: aSecond.caseId }))!;
    const emailIds = (d: typeof detail) => d.actions.filter((x) => x.kind === "email").map((x) => x.id);
    expect(emailIds(sibling)).toEqual(emailIds(detail));
    expect(sibling.actions.filter((x) => x.kind === "retry").every((x) => x.caseId === aSecond.caseId)).toBe(true);

    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(["payment_failed", "classified", "cohort"]));
    expect(detail.timeline.every((e) => e.caseId === aFirst.caseId || e.caseId === null)).toBe(true);
  });

  it("includes thread-level events (no case) of its own thread, in order, and nothing from other threads", async () => {
    const at = new Date(START.getTime() + 60_000);
    await addTimeline(db, {
      workspaceId: a.id,
      threadId: aFirst.threadId,
      caseId: null,
      at,
      actor: "customer",
      kind: "test_thread_note",
      summary: "Shared by both invoices.",
    });
    await addTimeline(db, {
      workspaceId: b.id,
      threadId: bCase.threadId,
      caseId: null,
      at,
      actor: "customer",
      kind: "test_thread_note",
      summary: "B only.",
    });

    // Run the first days of the plan: the emails of a two-invoice thread are thread-level events.
    await advanceSandboxClock(deps, { workspaceId: a.id, to: new Date(START.getTime() + 4 * DAY) });

    for (const caseId of [aFirst.caseId, aSecond.caseId]) {
      const detail = (await getRecoveryCase(db, { workspaceId: a.id, caseId }))!;
      const notes = detail.timeline.filter((e) => e.kind === "test_thread_note");
      expect(notes.map((e) => e.summary)).toEqual(["Shared by both invoices."]);
      const sorted = [...detail.timeline].sort((x, y) => x.at.getTime() - y.at.getTime());
      expect(detail.timeline.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
      const sent = detail.timeline.filter((e) => e.kind === "email_sent");
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((e) => e.caseId === null && e.messageId !== null)).toBe(true);
      const doneEmails = detail.actions.filter((x) => x.kind === "email" && x.status === "done");
      expect(doneEmails.length).toBe(sent.length);
      expect(doneEmails.every((x) => x.messageId !== null)).toBe(true);
    }
    // B's case was not touched by advancing A's clock.
    const inB = (await getRecoveryCase(db, { workspaceId: b.id, caseId: bCase.caseId }))!;
    expect(inB.timeline.map((e) => e.summary)).toContain("B only.");
    expect(inB.timeline.map((e) => e.summary)).not.toContain("Shared by both invoices.");
    expect(inB.actions.every((x) => x.status === "pending")).toBe(true);
  });
});

describe("getNextPlannedAction", () => {
  it("gives the workspace's next pending action with whose it is", async () => {
    const next = (await getNextPlannedAction(db, { workspaceId: b.id }))!;
    expect(next.status).toBe("pending");
    expect(next.customerName).toBe("Ada Lovelace");
    const inB = (await getRecoveryCase(db, { workspaceId: b.id, caseId: bCase.caseId }))!;
    expect(inB.actions.map((x) => x.id)).toContain(next.id);
    const earliest = Math.min(...inB.actions.map((x) => x.dueAt.getTime()));
    expect(next.dueAt.getTime()).toBe(earliest);
  });

  it("is null when nothing is planned", async () => {
    expect(await getNextPlannedAction(db, { workspaceId: empty.id })).toBeNull();
  });
});

describe("listWorkspaceOutbox", () => {
  it("lists only the workspace's messages, newest first", async () => {
    const message = (workspaceId: string, subject: string, createdAt: Date) => ({
      workspaceId,
      transport: "outbox",
      idempotencyKey: `test:${hex()}`,
      kind: "dunning",
      to: "someone@example.com",
      from: "Reclaim <no-reply@reclaim.local>",
      subject,
      html: "<p>hi</p>",
      text: "hi",
      createdAt,
    });
    await db
      .insert(outboxMessages)
      .values([
        message(empty.id, "older", new Date("2026-01-01T00:00:00Z")),
        message(empty.id, "newer", new Date("2026-01-02T00:00:00Z")),
        message(b.id, "of B", new Date("2026-01-03T00:00:00Z")),
      ]);
    const rows = await listWorkspaceOutbox(db, { workspaceId: empty.id });
    expect(rows.map((r) => r.subject)).toEqual(["newer", "older"]);
    expect(await listWorkspaceOutbox(db, { workspaceId: empty.id, limit: 1 })).toHaveLength(1);
    expect(rows.every((r) => r.sentAt === null && r.caseId === null)).toBe(true);
  });

  it("gives a recovery email the simulated time and case its timeline entry recorded, from its own workspace only", async () => {
    const [sent] = await db
      .insert(outboxMessages)
      .values({
        workspaceId: a.id,
        transport: "outbox",
        idempotencyKey: `test:${hex()}`,
        kind: "dunning",
        to: "ada@example.com",
        from: "Reclaim <no-reply@reclaim.local>",
        subject: "Your payment didn't go through",
        html: "<p>hi</p>",
        text: "hi",
      })
      .returning();
    const at = new Date("2026-03-05T10:00:00Z");
    // A forged entry in B naming A's message must not leak B's case or time into A's outbox.
    await addTimeline(db, {
      workspaceId: b.id,
      threadId: bCase.threadId,
      caseId: bCase.caseId,
      at: new Date("2020-01-01T00:00:00Z"),
      actor: "reclaim",
      kind: "email_sent",
      summary: "B",
      data: { messageId: sent!.id },
    });
    await addTimeline(db, {
      workspaceId: a.id,
      threadId: aSilenced.threadId,
      caseId: aSilenced.caseId,
      at,
      actor: "reclaim",
      kind: "email_sent",
      summary: "A",
      data: { messageId: sent!.id },
    });
    const row = (await listWorkspaceOutbox(db, { workspaceId: a.id })).find((r) => r.id === sent!.id)!;
    expect(row.sentAt).toEqual(at);
    expect(row.caseId).toBe(aSilenced.caseId);
    expect((await listWorkspaceOutbox(db, { workspaceId: b.id })).map((r) => r.id)).not.toContain(sent!.id);
  });
});
