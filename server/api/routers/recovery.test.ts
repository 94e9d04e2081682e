import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq, inArray } from "drizzle-orm";
import { ZodError } from "zod";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import {
  customers,
  dunningThreads,
  invoices,
  paymentAttempts,
  recoveryCases,
  sandboxCustomers,
  sandboxPaymentMethods,
  sequences,
  sequenceVersions,
  workspaces,
  type Workspace,
} from "@/server/db/schema";
import { DIFFICULTY_FORMULA } from "@/server/analytics/difficulty";
import { createWorkspace } from "@/server/queries/workspaces";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { defaultPolicy } from "@/server/recovery/policy";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";
import { createHarness } from "@/server/testing/recovery";

// The router runs the domain with this process's dependencies; here they are the test database's.
const runtime = vi.hoisted(() => ({ deps: null as RecoveryDeps | null }));
vi.mock("@/server/runtime", () => ({
  getRecoveryDeps: async () => {
    if (!runtime.deps) throw new Error("The test's recovery deps are not set");
    return runtime.deps;
  },
}));

const database = await openTestDatabase();
runtime.deps = createHarness(database).deps;

let owner: ContextUser;
let sandbox: Workspace;
let live: Workspace;
let api: ReturnType<typeof createCaller>;

beforeAll(async () => {
  owner = await createTestUser(database, "recovery-router");
  sandbox = await createWorkspace(database.db, { name: "Router sandbox", ownerId: owner.id });
  live = await createWorkspace(database.db, { name: "Router live", ownerId: owner.id });
  await database.db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, live.id));
  api = createCaller(testContext(database, owner));
});

/** The validation messages of a refused call, by field. */
function fieldMessages(error: TRPCError): Record<string, string[]> {
  expect(error.code).toBe("BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(ZodError);
  const byField: Record<string, string[]> = {};
  for (const issue of (error.cause as ZodError).issues) (byField[issue.path.join(".")] ??= []).push(issue.message);
  return byField;
}

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("recovery router", () => {
  it("refuses the sandbox procedures in a live workspace with a clear message", async () => {
    // Thunks: each call starts only when awaited, so no rejection waits unhandled.
    for (const call of [
      () => api.recovery.sandboxState({ workspaceId: live.id }),
      () => api.recovery.simulate({ workspaceId: live.id, declineCode: "mix", count: 1 }),
      () => api.recovery.advance({ workspaceId: live.id, by: { days: 1 } }),
      () => api.recovery.advance({ workspaceId: live.id, by: "next" }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(/live workspace/);
    }
  });

  it("gives an empty sandbox's state", async () => {
    const state = await api.recovery.sandboxState({ workspaceId: sandbox.id });
    expect(state.now).toBeInstanceOf(Date);
    expect(state.nextAction).toBeNull();
    expect(state.counts).toEqual({ open: 0, recovered: 0, lost: 0, silenced: 0, cancelled: 0 });
    expect(state.outbox).toEqual([]);
  });

  it.each([
    { hours: 0 },
    {},
    { days: 61 },
    { days: 60, hours: 1 },
    { hours: 1.5 },
    { days: -1 },
    { days: 1, until: new Date() },
    { until: "soon" },
  ])("refuses to advance by %j", async (by) => {
    expect((await failure(api.recovery.advance({ workspaceId: sandbox.id, by }))).code).toBe("BAD_REQUEST");
  });

  it("validates a simulation before running it", async () => {
    const bad = await failure(api.recovery.simulate({ workspaceId: sandbox.id, declineCode: "not_a_code", count: 1 }));
    expect(bad.code).toBe("BAD_REQUEST");
    const email = await failure(
      api.recovery.simulate({ workspaceId: sandbox.id, declineCode: "mix", count: 2, customerEmail: "ada@example.com" }),
    );
    expect(email.code).toBe("BAD_REQUEST");
    expect(email.message).toMatch(/one customer/);
    expect((await failure(api.recovery.simulate({ workspaceId: sandbox.id, declineCode: "mix", count: 201 }))).code).toBe("BAD_REQUEST");
  });

  it("simulates with a failing test card: the case has its decline code, the card on file its last four digits", async () => {
    const ws = await createWorkspace(database.db, { name: "Router test card", ownerId: owner.id });
    const result = await api.recovery.simulate({ workspaceId: ws.id, testCard: "4000 0000 0000 0127", count: 2 });
    expect(result.caseIds).toHaveLength(2);
    expect(result.ignored).toBe(0);
    expect(Object.values(result.byStatus).reduce((sum, n) => sum + n, 0)).toBe(2);
    for (const caseId of result.caseIds) {
      const found = await api.recovery.get({ workspaceId: ws.id, caseId });
      expect(found.recoveryCase).toMatchObject({ workspaceId: ws.id, declineCode: "incorrect_cvc" });
    }
    const cards = await database.db
      .select({ brand: sandboxPaymentMethods.brand, last4: sandboxPaymentMethods.last4, failsWith: sandboxPaymentMethods.failsWith })
      .from(recoveryCases)
      .innerJoin(customers, eq(customers.id, recoveryCases.customerId))
      .innerJoin(sandboxPaymentMethods, eq(sandboxPaymentMethods.id, customers.defaultPaymentMethodRef))
      .where(inArray(recoveryCases.id, result.caseIds));
    expect(cards).toEqual([
      { brand: "visa", last4: "0127", failsWith: "incorrect_cvc" },
      { brand: "visa", last4: "0127", failsWith: "incorrect_cvc" },
    ]);
    // Generated at random: played by the sandbox's behaviour model.
    const played = await database.db
      .select({ simulated: sandboxCustomers.simulated })
      .from(sandboxCustomers)
      .where(eq(sandboxCustomers.workspaceId, ws.id));
    expect(played).toEqual([{ simulated: true }, { simulated: true }]);
  });

  it("marks a customer simulated for the merchant's own address as played by a person", async () => {
    const ws = await createWorkspace(database.db, { name: "Router own address", ownerId: owner.id });
    for (const input of [{ declineCode: "insufficient_funds" }, { testCard: "4000000000000002" }]) {
      await api.recovery.simulate({ workspaceId: ws.id, ...input, count: 1, customerEmail: "merchant@example.com" });
    }
    const played = await database.db
      .select({ simulated: sandboxCustomers.simulated, email: customers.email })
      .from(sandboxCustomers)
      .innerJoin(customers, eq(customers.id, sandboxCustomers.customerId))
      .where(eq(sandboxCustomers.workspaceId, ws.id));
    expect(played).toEqual([{ simulated: false, email: "merchant@example.com" }]);
  });

  it("refuses a test card that succeeds or is unknown, and both or neither ways to fail, on the right field", async () => {
    const succeeds = fieldMessages(await failure(api.recovery.simulate({ workspaceId: sandbox.id, testCard: "4242 4242 4242 4242", count: 1 })));
    expect(Object.keys(succeeds)).toEqual(["testCard"]);
    expect(succeeds.testCard![0]).toMatch(/charges succeed.*Choose one of the failing test cards/);

    const unknown = fieldMessages(await failure(api.recovery.simulate({ workspaceId: sandbox.id, testCard: "5105-1051-0510-5100", count: 1 })));
    expect(Object.keys(unknown)).toEqual(["testCard"]);
    expect(unknown.testCard![0]).toMatch(/is not one of the sandbox's test cards\. Choose one of the failing test cards/);

    const both = fieldMessages(
      await failure(api.recovery.simulate({ workspaceId: sandbox.id, declineCode: "mix", testCard: "4000000000009995", count: 1 })),
    );
    expect(both.declineCode).toEqual(["Choose either a decline code or a test card, not both."]);
    expect(both.testCard).toEqual(["Choose either a decline code or a test card, not both."]);

    const neither = fieldMessages(await failure(api.recovery.simulate({ workspaceId: sandbox.id, count: 1 })));
    expect(neither.declineCode).toEqual(["Choose a decline code (or a realistic mix), or a failing test card."]);
    expect(neither.testCard).toEqual(["Choose a decline code (or a realistic mix), or a failing test card."]);

    // The sandbox workspace was never touched.
    expect(await api.recovery.counts({ workspaceId: sandbox.id })).toEqual({ open: 0, recovered: 0, lost: 0, silenced: 0, cancelled: 0 });
  });

  it("answers NOT_FOUND for a case that is not in the workspace", async () => {
    expect((await failure(api.recovery.get({ workspaceId: sandbox.id, caseId: "00000000-0000-0000-0000-000000000000" }))).code).toBe(
      "NOT_FOUND",
    );
    // An id the database could not even read is refused before it gets there.
    expect((await failure(api.recovery.get({ workspaceId: sandbox.id, caseId: "case\u0000" }))).code).toBe("BAD_REQUEST");
  });

  it("lists an empty workspace", async () => {
    expect(await api.recovery.list({ workspaceId: sandbox.id })).toEqual({ items: [], nextCursor: null });
    expect(await api.recovery.list({ workspaceId: sandbox.id, status: "open" })).toEqual({ items: [], nextCursor: null });
  });
});

/**
 * A workspace of the owner with a default sequence and an extra one, and three
 * customers' cases inserted as given (one of them with a decline code Reclaim
 * does not know).
 */
async function seedListWorkspace(name: string) {
  const ws = await createWorkspace(database.db, { name: `${name} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  const [main] = await database.db.insert(sequences).values({ workspaceId: ws.id, name: "Standard", isDefault: true }).returning();
  const [vip] = await database.db.insert(sequences).values({ workspaceId: ws.id, name: "VIP" }).returning();
  const [mainV1, vipV1] = await database.db
    .insert(sequenceVersions)
    .values([
      { workspaceId: ws.id, sequenceId: main!.id, version: 1, policy: defaultPolicy },
      { workspaceId: ws.id, sequenceId: vip!.id, version: 1, policy: defaultPolicy },
    ])
    .returning();
  const rows = [
    {
      who: "Ada Lovelace",
      invoice: "INV-1",
      code: "insufficient_funds",
      category: "soft",
      version: mainV1!.id,
      day: "2026-01-05",
      status: "recovered" as const,
    },
    {
      who: "Grace Hopper",
      invoice: "INV-2",
      code: "expired_card",
      category: "hard",
      version: vipV1!.id,
      day: "2026-01-08",
      status: "open" as const,
    },
    {
      who: "Odd Provider",
      invoice: "INV-3",
      code: "provider-special code.05",
      category: "soft",
      version: mainV1!.id,
      day: "2026-01-09",
      status: "open" as const,
    },
  ];
  const ids: string[] = [];
  for (const r of rows) {
    const key = crypto.randomBytes(4).toString("hex");
    const [customer] = await database.db
      .insert(customers)
      .values({ workspaceId: ws.id, provider: "sandbox", externalId: `cus${key}`, name: r.who, email: `${key}@example.com` })
      .returning();
    const [thread] = await database.db
      .insert(dunningThreads)
      .values({
        workspaceId: ws.id,
        customerId: customer!.id,
        sequenceVersionId: r.version,
        cohort: "treatment",
        openedAt: new Date(`${r.day}T12:00:00Z`),
      })
      .returning();
    const [invoice] = await database.db
      .insert(invoices)
      .values({
        workspaceId: ws.id,
        customerId: customer!.id,
        provider: "sandbox",
        externalId: `in${key}`,
        number: r.invoice,
        amountDue: 1000,
        currency: "usd",
      })
      .returning();
    const [row] = await database.db
      .insert(recoveryCases)
      .values({
        workspaceId: ws.id,
        threadId: thread!.id,
        customerId: customer!.id,
        invoiceId: invoice!.id,
        sequenceVersionId: r.version,
        cohort: "treatment",
        status: r.status,
        declineCategory: r.category,
        declineKind: "generic",
        declineCode: r.code,
        amount: 1000,
        currency: "usd",
        retryCount: r.status === "recovered" ? 2 : 0,
        openedAt: new Date(`${r.day}T12:00:00Z`),
        closedAt: r.status === "recovered" ? new Date(new Date(`${r.day}T12:00:00Z`).getTime() + 3 * DAY) : null,
        recoveredAmount: r.status === "recovered" ? 1000 : null,
        recoveredVia: r.status === "recovered" ? "reclaim_retry" : null,
      })
      .returning();
    ids.push(row!.id);
  }
  return { ws, sequenceIds: { main: main!.id, vip: vip!.id }, ids };
}

describe("recovery list filters", () => {
  let seeded: Awaited<ReturnType<typeof seedListWorkspace>>;
  let other: Awaited<ReturnType<typeof seedListWorkspace>>;
  beforeAll(async () => {
    seeded = await seedListWorkspace("Router filters");
    other = await seedListWorkspace("Router filters other");
  });
  const ids = async (filters: Omit<Parameters<typeof api.recovery.list>[0], "workspaceId"> = {}) =>
    (await api.recovery.list({ workspaceId: seeded.ws.id, ...filters })).items.map((c) => c.id);

  it("filters and searches through the procedure, within the workspace", async () => {
    const [ada, grace, odd] = seeded.ids;
    expect(await ids()).toEqual([odd, grace, ada]);
    expect(await ids({ q: "  ada " })).toEqual([ada]);
    expect(await ids({ q: "inv-2" })).toEqual([grace]);
    expect(await ids({ q: "" })).toEqual([odd, grace, ada]);
    // Codes are compared in lower case, as Reclaim stores them.
    expect(await ids({ declineCode: " EXPIRED_CARD " })).toEqual([grace]);
    // A code Reclaim does not know, but one of this workspace's cases has.
    expect(await ids({ declineCode: "provider-special code.05" })).toEqual([odd]);
    expect(await ids({ sequenceId: seeded.sequenceIds.vip })).toEqual([grace]);
    expect(await ids({ sequenceId: other.sequenceIds.vip })).toEqual([]);
    expect(await ids({ channel: "reclaim_retry", from: "2026-01-05", to: "2026-01-05" })).toEqual([ada]);
    expect(await ids({ status: "open", declineCategory: "soft" })).toEqual([odd]);
    expect(await ids({ cohort: "holdout" })).toEqual([]);
    const first = await api.recovery.list({ workspaceId: seeded.ws.id, status: "open", cursor: grace });
    expect(first).toEqual({ items: [], nextCursor: null });
  });

  it("counts per status under the other filters", async () => {
    const none = { open: 0, recovered: 0, lost: 0, silenced: 0, cancelled: 0 };
    expect(await api.recovery.counts({ workspaceId: seeded.ws.id })).toEqual({ ...none, open: 2, recovered: 1 });
    expect(await api.recovery.counts({ workspaceId: seeded.ws.id, declineCategory: "soft" })).toEqual({ ...none, open: 1, recovered: 1 });
    expect(await api.recovery.counts({ workspaceId: seeded.ws.id, q: "grace", sequenceId: seeded.sequenceIds.vip })).toEqual({
      ...none,
      open: 1,
    });
    expect(await api.recovery.counts({ workspaceId: seeded.ws.id, sequenceId: other.sequenceIds.main })).toEqual(none);
  });

  it("offers the workspace's own sequences and decline codes", async () => {
    const options = await api.recovery.filterOptions({ workspaceId: seeded.ws.id });
    expect(options.sequences).toEqual([
      { id: seeded.sequenceIds.main, name: "Standard", isDefault: true },
      { id: seeded.sequenceIds.vip, name: "VIP", isDefault: false },
    ]);
    expect(options.declineCodes.map((c) => [c.code, c.count])).toEqual([
      ["expired_card", 1],
      ["insufficient_funds", 1],
      ["provider-special code.05", 1],
    ]);
  });

  it("refuses each invalid filter on its field with a clear message", async () => {
    const refused = async (filters: Record<string, unknown>) =>
      fieldMessages(await failure(api.recovery.list({ workspaceId: seeded.ws.id, ...filters } as Parameters<typeof api.recovery.list>[0])));
    expect(await refused({ status: "pending" })).toEqual({ status: ["Choose a status: open, recovered, lost, silenced, cancelled."] });
    expect(await refused({ declineCategory: "squishy" })).toEqual({
      declineCategory: ["Choose a decline category: soft, hard, do_not_contact, needs_authentication, revoked."],
    });
    expect(await refused({ declineCode: "x".repeat(256) })).toEqual({ declineCode: ["That is too long for a decline code."] });
    expect(await refused({ declineCode: "made_up_code" })).toEqual({
      declineCode: ['"made_up_code" is not a decline code Reclaim knows, and no case of this workspace has it.'],
    });
    // Another workspace's unknown code is not this one's.
    expect((await refused({ declineCode: "provider-special code.0" })).declineCode).toHaveLength(1);
    expect(await refused({ cohort: "control" })).toEqual({ cohort: ["Choose a cohort: treatment, holdout."] });
    expect(await refused({ channel: "carrier_pigeon" })).toEqual({
      channel: ["Choose a recovery channel: reclaim_retry, provider_retry, card_update, card_updater, out_of_band."],
    });
    expect(await refused({ sequenceId: "  " })).toEqual({ sequenceId: ["Choose a sequence from the list."] });
    expect(await refused({ from: "2026-02-30" })).toEqual({ from: ["This date does not exist."] });
    // The reports' own date rules (server/analytics/period.ts), the format first.
    expect((await refused({ to: "31/01/2026" })).to?.[0]).toBe("Use a date like 2026-01-31.");
    expect(await refused({ from: "2026-02-01", to: "2026-01-31" })).toEqual({ to: ["The start date must be on or before the end date."] });
    expect(await refused({ q: "x".repeat(101) })).toEqual({ q: ["Search for at most 100 characters."] });
    expect(await refused({ q: "ada\u0000" })).toEqual({ q: ["Search text cannot contain control characters."] });
    expect(await refused({ cursor: "c".repeat(101) })).toEqual({ cursor: ["That is not a page of this list."] });
    // Nothing reaches the database that it would refuse with an error of its own (a 500).
    expect(await refused({ cursor: "abc\u0000" })).toEqual({ cursor: ["That is not a page of this list."] });
    expect(await refused({ cursor: " " })).toEqual({ cursor: ["That is not a page of this list."] });
    expect(await refused({ sequenceId: "seq\u0000" })).toEqual({ sequenceId: ["Choose a sequence from the list."] });
    expect(await refused({ declineCode: "code\u0000" })).toEqual({ declineCode: ["A decline code cannot contain control characters."] });
    expect(await refused({ from: "0000-01-01" })).toEqual({ from: ["Choose a date between 1970 and 9000."] });
    expect(await refused({ to: "9999-12-31" })).toEqual({ to: ["Choose a date between 1970 and 9000."] });
    // The counts check the same way.
    const counts = fieldMessages(await failure(api.recovery.counts({ workspaceId: seeded.ws.id, declineCode: "made_up_code" })));
    expect(Object.keys(counts)).toEqual(["declineCode"]);
    // The longest search is accepted.
    expect(await ids({ q: "x".repeat(100) })).toEqual([]);
  });

  it("answers NOT_FOUND for a workspace the user is not a member of", async () => {
    const stranger = await createTestUser(database, "recovery-stranger");
    const strangerApi = createCaller(testContext(database, stranger));
    for (const call of [
      () => strangerApi.recovery.list({ workspaceId: seeded.ws.id, q: "ada" }),
      () => strangerApi.recovery.counts({ workspaceId: seeded.ws.id }),
      () => strangerApi.recovery.filterOptions({ workspaceId: seeded.ws.id }),
    ]) {
      expect((await failure(call())).code).toBe("NOT_FOUND");
    }
  });

  it("gives a case's difficulty, counting an open case's days on the workspace's clock", async () => {
    const [ada, grace] = seeded.ids;
    await database.db.insert(paymentAttempts).values([
      {
        workspaceId: seeded.ws.id,
        livemode: false,
        caseId: ada!,
        source: "initial",
        outcome: "failed",
        declineCode: "insufficient_funds",
        dedupeKey: "t:1",
        at: new Date("2026-01-05T12:00:00Z"),
      },
      {
        workspaceId: seeded.ws.id,
        livemode: false,
        caseId: ada!,
        source: "reclaim_retry",
        outcome: "failed",
        declineCode: "do_not_honor",
        dedupeKey: "t:2",
        at: new Date("2026-01-06T12:00:00Z"),
      },
      {
        workspaceId: seeded.ws.id,
        livemode: false,
        caseId: ada!,
        source: "reclaim_retry",
        outcome: "succeeded",
        dedupeKey: "t:3",
        at: new Date("2026-01-08T12:00:00Z"),
      },
    ]);
    const recovered = await api.recovery.get({ workspaceId: seeded.ws.id, caseId: ada! });
    // 2 retries (10) + 1 code change (5) + 3 days (3) + a retry by Reclaim (0) = 18.
    expect(recovered.difficulty.score).toBe(18);
    expect(recovered.difficulty.parts.map((p) => p.points)).toEqual([10, 5, 3, 0]);
    expect(DIFFICULTY_FORMULA.length).toBeGreaterThan(0);

    // A sandbox workspace's open case: days to its test clock, not the wall clock.
    await setSandboxClock(database.db, seeded.ws.id, new Date("2026-01-18T13:00:00Z"));
    const open = await api.recovery.get({ workspaceId: seeded.ws.id, caseId: grace! });
    expect(open.difficulty.inputs).toMatchObject({ days: 10, open: true, outcome: "not_recovered" });
    expect(open.difficulty.score).toBe(10 + 25);
  });
});
