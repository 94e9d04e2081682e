import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { workspaces, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";

const database = await openTestDatabase();

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
