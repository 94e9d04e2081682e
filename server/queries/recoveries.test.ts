import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import {
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  sequences,
  sequenceVersions,
  type CaseStatus,
  type Cohort,
  type RecoveryChannel,
  type Workspace,
} from "@/server/db/schema";
import { VirtualClock } from "@/server/recovery/clock";
import { assignCohort } from "@/server/recovery/cohort";
import { addTimeline } from "@/server/recovery/context";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import { defaultPolicy } from "@/server/recovery/policy";
import { noSchedulerHooks, silentLogger, type Notifier, type RecoveryDeps } from "@/server/recovery/ports";
import { advanceSandboxClock } from "@/server/recovery/sandbox-clock";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import {
  countRecoveryCasesByStatus,
  declineCodeOccurs,
  escapeLike,
  getNextPlannedAction,
  getRecoveryCase,
  getRecoveryFilterOptions,
  listRecoveryCases,
  listWorkspaceOutbox,
} from "./recoveries";

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

// ---------------------------------------------------------------------------
// Filters and search, on hand-made cases whose every field is known
// ---------------------------------------------------------------------------

type Seed = {
  key: string;
  customer: { externalId: string; name: string | null; email: string | null };
  invoice: { externalId: string; number: string | null };
  status: CaseStatus;
  category: string;
  code: string;
  cohort: Cohort;
  version: string;
  openedAt: string;
  closedAt?: string;
  recoveredVia?: RecoveryChannel;
  retryCount?: number;
};

/** Sequences (one default), their versions, and cases with customers, threads and invoices, inserted as given. */
async function seedFilterWorkspace(label: string) {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, {
    name: `${label} ${hex()}`,
    ownerId: owner.id,
  });
  const [standard] = await db
    .insert(sequences)
    .values({
      workspaceId: workspace.id,
      name: "Standard recovery",
      isDefault: true,
      currentVersion: 2,
    })
    .returning();
  const [enterprise] = await db
    .insert(sequences)
    .values({
      workspaceId: workspace.id,
      name: "Enterprise",
      currentVersion: 1,
    })
    .returning();
  const versions = await db
    .insert(sequenceVersions)
    .values([
      {
        workspaceId: workspace.id,
        sequenceId: standard!.id,
        version: 1,
        policy: defaultPolicy,
      },
      {
        workspaceId: workspace.id,
        sequenceId: standard!.id,
        version: 2,
        policy: defaultPolicy,
      },
      {
        workspaceId: workspace.id,
        sequenceId: enterprise!.id,
        version: 1,
        policy: { ...defaultPolicy, name: "Enterprise" },
      },
    ])
    .returning();
  const seq = {
    standard: standard!.id,
    enterprise: enterprise!.id,
    standardV1: versions[0]!.id,
    standardV2: versions[1]!.id,
    enterpriseV1: versions[2]!.id,
  };
  const customerIds = new Map<string, string>();
  const ids: Record<string, string> = {};
  const insert = async (seeds: Seed[]) => {
    for (const s of seeds) {
      let customerId = customerIds.get(s.customer.externalId);
      if (!customerId) {
        customerId = crypto.randomUUID();
        customerIds.set(s.customer.externalId, customerId);
        await db.insert(customers).values({
          id: customerId,
          workspaceId: workspace.id,
          provider: "sandbox",
          ...s.customer,
          cohort: s.cohort,
        });
      }
      const threadId = crypto.randomUUID();
      await db.insert(dunningThreads).values({
        id: threadId,
        workspaceId: workspace.id,
        customerId,
        sequenceVersionId: s.version,
        cohort: s.cohort,
        status: "closed",
        openedAt: new Date(s.openedAt),
      });
      const invoiceId = crypto.randomUUID();
      await db.insert(invoices).values({
        id: invoiceId,
        workspaceId: workspace.id,
        customerId,
        provider: "sandbox",
        ...s.invoice,
        amountDue: 4900,
        currency: "usd",
      });
      const [row] = await db
        .insert(recoveryCases)
        .values({
          workspaceId: workspace.id,
          threadId,
          customerId,
          invoiceId,
          sequenceVersionId: s.version,
          cohort: s.cohort,
          status: s.status,
          declineCategory: s.category,
          declineKind: "generic",
          declineCode: s.code,
          amount: 4900,
          currency: "usd",
          retryCount: s.retryCount ?? 0,
          openedAt: new Date(s.openedAt),
          closedAt: s.closedAt ? new Date(s.closedAt) : null,
          recoveredAmount: s.status === "recovered" ? 4900 : null,
          recoveredVia: s.recoveredVia ?? null,
        })
        .returning({ id: recoveryCases.id });
      ids[s.key] = row!.id;
    }
  };
  return { workspace, seq, ids, insert };
}

type Seeded = Awaited<ReturnType<typeof seedFilterWorkspace>>;
let f: Seeded;
let g: Seeded;

const ada = {
  externalId: "cusada",
  name: "Ada Lovelace",
  email: "ada@example.com",
};
const grace = {
  externalId: "cusgrace",
  name: "Grace Hopper",
  email: "grace@navy.example",
};
/** Every LIKE wildcard and the escape character in one name. */
const wild = {
  externalId: "cuswild",
  name: "100%_off\\Corp",
  email: "sales@wild.example",
};
/** What an unescaped `%`, `_` or `\` would match too. */
const percy = {
  externalId: "cuspercy",
  name: "Percy 100 off Corp",
  email: "percy@example.com",
};
const alan = {
  externalId: "cusalan",
  name: "Alan Turing",
  email: "alan@bletchley.example",
};

/** The seven cases of F, newest first (the list's order). */
const fOrder = ["alan", "wild", "percy", "grace", "ada2", "ada1", "nameless"];

beforeAll(async () => {
  f = await seedFilterWorkspace("filters-f");
  g = await seedFilterWorkspace("filters-g");
  const { seq } = f;
  await f.insert([
    {
      key: "nameless",
      customer: { externalId: "cusnobody", name: null, email: null },
      invoice: { externalId: "inblank", number: null },
      status: "open",
      category: "soft",
      code: "processing_error",
      cohort: "treatment",
      version: seq.standardV1,
      openedAt: "2026-01-02T08:00:00Z",
    },
    {
      key: "ada1",
      customer: ada,
      invoice: { externalId: "inada1", number: "INV-100" },
      status: "recovered",
      category: "soft",
      code: "insufficient_funds",
      cohort: "treatment",
      version: seq.standardV1,
      openedAt: "2026-01-05T10:00:00Z",
      closedAt: "2026-01-09T10:00:00Z",
      recoveredVia: "card_update",
    },
    {
      key: "ada2",
      customer: ada,
      invoice: { externalId: "inada2", number: "INV-101" },
      status: "open",
      category: "hard",
      code: "expired_card",
      cohort: "treatment",
      version: seq.standardV2,
      openedAt: "2026-01-10T23:30:00Z",
    },
    {
      key: "grace",
      customer: grace,
      invoice: { externalId: "ingrace", number: "INV-200" },
      status: "lost",
      category: "soft",
      code: "do_not_honor",
      cohort: "holdout",
      version: seq.enterpriseV1,
      openedAt: "2026-01-11T00:00:00Z",
      closedAt: "2026-02-11T00:00:00Z",
    },
    {
      key: "percy",
      customer: percy,
      invoice: { externalId: "inpercy", number: "INV-250" },
      status: "open",
      category: "soft",
      code: "insufficient_funds",
      cohort: "treatment",
      version: seq.standardV2,
      openedAt: "2026-01-15T12:00:00Z",
    },
    {
      key: "wild",
      customer: wild,
      invoice: { externalId: "inwild", number: "INV-300" },
      status: "recovered",
      category: "soft",
      code: "insufficient_funds",
      cohort: "treatment",
      version: seq.enterpriseV1,
      openedAt: "2026-01-20T12:00:00Z",
      closedAt: "2026-01-21T12:00:00Z",
      recoveredVia: "reclaim_retry",
      retryCount: 1,
    },
    {
      key: "alan",
      customer: alan,
      invoice: { externalId: "inalan", number: "INV_400" },
      status: "silenced",
      category: "do_not_contact",
      code: "stolen_card",
      cohort: "treatment",
      version: seq.standardV1,
      openedAt: "2026-01-31T23:59:59Z",
      closedAt: "2026-01-31T23:59:59Z",
    },
  ]);
  // The same people and invoice numbers in G: none of it may show in F, nor F's in G.
  await g.insert([
    {
      key: "ada",
      customer: ada,
      invoice: { externalId: "inada1", number: "INV-100" },
      status: "recovered",
      category: "soft",
      code: "insufficient_funds",
      cohort: "treatment",
      version: g.seq.standardV1,
      openedAt: "2026-01-06T10:00:00Z",
      closedAt: "2026-01-07T10:00:00Z",
      recoveredVia: "card_update",
    },
    {
      key: "wild",
      customer: wild,
      invoice: { externalId: "inwild", number: "INV-300" },
      status: "open",
      category: "hard",
      code: "expired_card",
      cohort: "holdout",
      version: g.seq.enterpriseV1,
      openedAt: "2026-01-12T10:00:00Z",
    },
    {
      key: "odd",
      customer: {
        externalId: "cusodd",
        name: "Odd Code",
        email: "odd@example.com",
      },
      invoice: { externalId: "inodd", number: "INV-900" },
      status: "open",
      category: "soft",
      code: "provider_special_code",
      cohort: "treatment",
      version: g.seq.standardV1,
      openedAt: "2026-01-13T10:00:00Z",
    },
  ]);
});

const listIds = async (filters: Omit<Parameters<typeof listRecoveryCases>[1], "workspaceId"> = {}, w: Seeded = f) =>
  (await listRecoveryCases(db, { workspaceId: w.workspace.id, ...filters })).items.map((c) => c.id);
const keys = (...names: string[]) => names.map((n) => f.ids[n]);

describe("listRecoveryCases filters", () => {
  it("lists every case of the workspace newest first without filters", async () => {
    expect(await listIds()).toEqual(keys(...fOrder));
  });

  it("filters by status, decline category, decline code, cohort and recovery channel", async () => {
    expect(await listIds({ status: "recovered" })).toEqual(keys("wild", "ada1"));
    expect(await listIds({ declineCategory: "hard" })).toEqual(keys("ada2"));
    expect(await listIds({ declineCategory: "do_not_contact" })).toEqual(keys("alan"));
    expect(await listIds({ declineCategory: "revoked" })).toEqual([]);
    expect(await listIds({ declineCode: "insufficient_funds" })).toEqual(keys("wild", "percy", "ada1"));
    expect(await listIds({ declineCode: "do_not_honor" })).toEqual(keys("grace"));
    expect(await listIds({ cohort: "holdout" })).toEqual(keys("grace"));
    expect(await listIds({ cohort: "treatment" })).toEqual(keys("alan", "wild", "percy", "ada2", "ada1", "nameless"));
    expect(await listIds({ channel: "card_update" })).toEqual(keys("ada1"));
    expect(await listIds({ channel: "reclaim_retry" })).toEqual(keys("wild"));
    expect(await listIds({ channel: "out_of_band" })).toEqual([]);
  });

  it("filters by sequence, every version of it, and never by another workspace's sequence", async () => {
    expect(await listIds({ sequenceId: f.seq.standard })).toEqual(keys("alan", "percy", "ada2", "ada1", "nameless"));
    expect(await listIds({ sequenceId: f.seq.enterprise })).toEqual(keys("wild", "grace"));
    // G's sequence ids in F (and F's in G) match nothing, though G has cases on them.
    expect(await listIds({ sequenceId: g.seq.standard })).toEqual([]);
    expect(await listIds({ sequenceId: g.seq.enterprise })).toEqual([]);
    expect(await listIds({ sequenceId: f.seq.standard }, g)).toEqual([]);
    expect(await listIds({ sequenceId: g.seq.standard }, g)).toEqual([g.ids.odd, g.ids.ada]);
    expect(await listIds({ sequenceId: "no-such-sequence" })).toEqual([]);
  });

  it("filters by opening day in UTC, both ends included", async () => {
    expect(await listIds({ from: "2026-01-11", to: "2026-01-11" })).toEqual(keys("grace"));
    expect(await listIds({ from: "2026-01-10", to: "2026-01-10" })).toEqual(keys("ada2"));
    expect(await listIds({ from: "2026-01-20" })).toEqual(keys("alan", "wild"));
    expect(await listIds({ to: "2026-01-05" })).toEqual(keys("ada1", "nameless"));
    expect(await listIds({ from: "2026-01-31", to: "2026-01-31" })).toEqual(keys("alan"));
    expect(await listIds({ from: "2026-02-01" })).toEqual([]);
  });

  it("searches customer name, email and id, and invoice number and id, ignoring case and surrounding spaces", async () => {
    expect(await listIds({ q: "ada" })).toEqual(keys("ada2", "ada1"));
    expect(await listIds({ q: "  LOVELACE " })).toEqual(keys("ada2", "ada1"));
    expect(await listIds({ q: "grace@NAVY" })).toEqual(keys("grace"));
    expect(await listIds({ q: "bletchley.example" })).toEqual(keys("alan"));
    expect(await listIds({ q: "cuspercy" })).toEqual(keys("percy"));
    expect(await listIds({ q: "inv-300" })).toEqual(keys("wild"));
    expect(await listIds({ q: "INV-10" })).toEqual(keys("ada2", "ada1"));
    expect(await listIds({ q: "inada2" })).toEqual(keys("ada2"));
    expect(await listIds({ q: "inblank" })).toEqual(keys("nameless"));
    expect(await listIds({ q: "nobody at all" })).toEqual([]);
  });

  it("matches %, _ and \\ literally, never as wildcards", async () => {
    expect(escapeLike("100%_off\\Corp")).toBe("100\\%\\_off\\\\Corp");
    // Unescaped, "0%_o" would also match Percy's "100 off"; "%" and "_" would match every case.
    expect(await listIds({ q: "0%_o" })).toEqual(keys("wild"));
    expect(await listIds({ q: "%" })).toEqual(keys("wild"));
    expect(await listIds({ q: "100%" })).toEqual(keys("wild"));
    expect(await listIds({ q: "_" })).toEqual(keys("alan", "wild"));
    expect(await listIds({ q: "inv_" })).toEqual(keys("alan"));
    expect(await listIds({ q: "\\" })).toEqual(keys("wild"));
    expect(await listIds({ q: "off\\corp" })).toEqual(keys("wild"));
    expect(await listIds({ q: "%%" })).toEqual([]);
  });

  it("combines filters (all must hold)", async () => {
    expect(await listIds({ declineCode: "insufficient_funds", status: "open" })).toEqual(keys("percy"));
    expect(
      await listIds({
        sequenceId: f.seq.standard,
        declineCategory: "soft",
        from: "2026-01-03",
      }),
    ).toEqual(keys("percy", "ada1"));
    expect(
      await listIds({
        q: "ada",
        status: "open",
        declineCategory: "hard",
        cohort: "treatment",
        sequenceId: f.seq.standard,
      }),
    ).toEqual(keys("ada2"));
    expect(await listIds({ q: "ada", cohort: "holdout" })).toEqual([]);
    expect(
      await listIds({
        q: "corp",
        channel: "reclaim_retry",
        from: "2026-01-20",
        to: "2026-01-20",
      }),
    ).toEqual(keys("wild"));
  });

  it("keeps each workspace's cases to itself, whatever the search", async () => {
    expect(await listIds({ q: "ada" }, g)).toEqual([g.ids.ada]);
    expect(await listIds({ q: "INV-300" }, g)).toEqual([g.ids.wild]);
    expect(await listIds({ declineCode: "provider_special_code" })).toEqual([]);
    const fIds = new Set(Object.values(f.ids));
    for (const q of ["a", "inv", "example", "%", "_", "\\"]) {
      expect((await listIds({ q }, g)).some((id) => fIds.has(id))).toBe(false);
    }
  });

  it("pages through a filtered list without skipping or repeating a case, cases opened at the same moment included", async () => {
    const pager = await seedFilterWorkspace("filters-pager");
    const seeds: Seed[] = [];
    for (let i = 0; i < 13; i++) {
      // Three cases per moment, matching and non-matching interleaved.
      const at = new Date(Date.UTC(2026, 1, 1 + Math.floor(i / 3), 9)).toISOString();
      const match = i % 4 !== 1;
      seeds.push({
        key: `c${i}`,
        customer: match
          ? { externalId: `cuspager${i}`, name: `Pager ${i}`, email: `pager${i}@example.com` }
          : { externalId: `cusother${i}`, name: `Other ${i}`, email: `other${i}@example.com` },
        invoice: { externalId: `inv${i}`, number: `P-${i}` },
        status: i % 2 === 0 ? "open" : "lost",
        category: i % 5 === 3 ? "hard" : "soft",
        code: "insufficient_funds",
        cohort: "treatment",
        version: pager.seq.standardV1,
        openedAt: at,
      });
    }
    await pager.insert(seeds);
    const filters = { q: "pager", declineCategory: "soft" as const };
    const all = await listIds({ ...filters, limit: 100 }, pager);
    expect(all).toHaveLength(seeds.filter((_, i) => i % 4 !== 1 && i % 5 !== 3).length);
    expect(new Set(all.map((id) => seeds[Object.values(pager.ids).indexOf(id)]!.key))).toEqual(
      new Set(seeds.filter((_, i) => i % 4 !== 1 && i % 5 !== 3).map((s) => s.key)),
    );
    for (const limit of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await listRecoveryCases(db, {
          workspaceId: pager.workspace.id,
          ...filters,
          limit,
          cursor,
        });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        expect(page.nextCursor).toBe(page.items.at(-1)!.id);
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all);
    }
    // With a status as well: the open ones only, still in order across pages.
    const open = await listIds({ ...filters, status: "open", limit: 100 }, pager);
    const first = await listRecoveryCases(db, {
      workspaceId: pager.workspace.id,
      ...filters,
      status: "open",
      limit: 3,
    });
    const second = await listRecoveryCases(db, {
      workspaceId: pager.workspace.id,
      ...filters,
      status: "open",
      limit: 3,
      cursor: first.nextCursor!,
    });
    expect([...first.items, ...second.items].map((c) => c.id)).toEqual(open.slice(0, 6));
    // A cursor of another workspace still matches nothing under filters.
    expect(await listIds({ ...filters, cursor: f.ids.ada1 }, pager)).toEqual([]);
  });
});

describe("countRecoveryCasesByStatus with filters", () => {
  it("counts per status among the cases the other filters match", async () => {
    const none = { open: 0, recovered: 0, lost: 0, silenced: 0, cancelled: 0 };
    const count = (filters: Omit<Parameters<typeof countRecoveryCasesByStatus>[1], "workspaceId">, w: Seeded = f) =>
      countRecoveryCasesByStatus(db, {
        workspaceId: w.workspace.id,
        ...filters,
      });
    expect(await count({})).toEqual({
      ...none,
      open: 3,
      recovered: 2,
      lost: 1,
      silenced: 1,
    });
    expect(await count({ q: "ada" })).toEqual({
      ...none,
      open: 1,
      recovered: 1,
    });
    expect(await count({ declineCode: "insufficient_funds" })).toEqual({
      ...none,
      open: 1,
      recovered: 2,
    });
    expect(await count({ sequenceId: f.seq.enterprise, cohort: "holdout" })).toEqual({ ...none, lost: 1 });
    expect(await count({ from: "2026-01-11", to: "2026-01-20" })).toEqual({
      ...none,
      open: 1,
      recovered: 1,
      lost: 1,
    });
    expect(await count({ q: "%" })).toEqual({ ...none, recovered: 1 });
    expect(await count({ sequenceId: g.seq.standard })).toEqual(none);
    expect(await count({ q: "ada" }, g)).toEqual({ ...none, recovered: 1 });
  });
});

describe("getRecoveryFilterOptions", () => {
  it("offers the workspace's own sequences, default first, and the decline codes its cases have", async () => {
    const options = await getRecoveryFilterOptions(db, {
      workspaceId: f.workspace.id,
    });
    expect(options.sequences).toEqual([
      { id: f.seq.standard, name: "Standard recovery", isDefault: true },
      { id: f.seq.enterprise, name: "Enterprise", isDefault: false },
    ]);
    expect(options.declineCodes).toEqual([
      {
        code: "do_not_honor",
        label: "Do not honor",
        category: "soft",
        count: 1,
      },
      {
        code: "expired_card",
        label: "Expired card",
        category: "hard",
        count: 1,
      },
      {
        code: "insufficient_funds",
        label: "Insufficient funds",
        category: "soft",
        count: 3,
      },
      {
        code: "processing_error",
        label: "Processing error",
        category: "soft",
        count: 1,
      },
      {
        code: "stolen_card",
        label: "Stolen card",
        category: "do_not_contact",
        count: 1,
      },
    ]);
    const inG = await getRecoveryFilterOptions(db, {
      workspaceId: g.workspace.id,
    });
    expect(inG.sequences.map((s) => s.id)).toEqual([g.seq.standard, g.seq.enterprise]);
    // A code Reclaim does not know is offered under its own name.
    expect(inG.declineCodes.find((c) => c.code === "provider_special_code")).toEqual({
      code: "provider_special_code",
      label: null,
      category: null,
      count: 1,
    });
    expect(
      await declineCodeOccurs(db, {
        workspaceId: g.workspace.id,
        code: "provider_special_code",
      }),
    ).toBe(true);
    expect(
      await declineCodeOccurs(db, {
        workspaceId: f.workspace.id,
        code: "provider_special_code",
      }),
    ).toBe(false);
  });
});

describe("getRecoveryCase difficulty", () => {
  it("scores the case from its attempts, retries, days and channel", async () => {
    const caseId = f.ids.ada1!;
    const at = (iso: string) => new Date(iso);
    const attempt = (
      source: "initial" | "provider_retry" | "reclaim_retry" | "card_update",
      outcome: "failed" | "succeeded",
      code: string | null,
      iso: string,
    ) => ({
      workspaceId: f.workspace.id,
      caseId,
      livemode: false,
      source,
      outcome,
      declineCode: code,
      dedupeKey: `test:${hex()}`,
      at: at(iso),
    });
    await db
      .insert(paymentAttempts)
      .values([
        attempt("initial", "failed", "insufficient_funds", "2026-01-05T10:00:00Z"),
        attempt("provider_retry", "failed", "insufficient_funds", "2026-01-06T10:00:00Z"),
        attempt("reclaim_retry", "failed", "expired_card", "2026-01-07T10:00:00Z"),
        attempt("card_update", "succeeded", null, "2026-01-09T10:00:00Z"),
      ]);
    const detail = (await getRecoveryCase(db, {
      workspaceId: f.workspace.id,
      caseId,
      now: at("2026-06-01T00:00:00Z"),
    }))!;
    // 2 retries (10) + 1 code change (5) + 4 days (4) + card update by the customer (15) = 34.
    expect(detail.difficulty.inputs).toEqual({
      retries: 2,
      declineCodeChanges: 1,
      days: 4,
      outcome: "card_update",
      open: false,
    });
    expect(detail.difficulty.score).toBe(34);
    expect(detail.difficulty.parts.map((p) => p.points)).toEqual([10, 5, 4, 15]);

    // An open case counts its days to the workspace's now, as not recovered yet.
    const open = (await getRecoveryCase(db, {
      workspaceId: f.workspace.id,
      caseId: f.ids.ada2!,
      now: at("2026-01-17T23:30:00Z"),
    }))!;
    expect(open.difficulty.inputs).toEqual({
      retries: 0,
      declineCodeChanges: 0,
      days: 7,
      outcome: "not_recovered",
      open: true,
    });
    expect(open.difficulty.score).toBe(7 + 25);
  });
});
