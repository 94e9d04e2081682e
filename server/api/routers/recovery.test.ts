import { TRPCError } from "@trpc/server";
import { eq, inArray } from "drizzle-orm";
import { ZodError } from "zod";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { customers, recoveryCases, sandboxCustomers, sandboxPaymentMethods, workspaces, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
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
  });

  it("lists an empty workspace", async () => {
    expect(await api.recovery.list({ workspaceId: sandbox.id })).toEqual({ items: [], nextCursor: null });
    expect(await api.recovery.list({ workspaceId: sandbox.id, status: "open" })).toEqual({ items: [], nextCursor: null });
  });
});
