import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { memberships, type Role, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";

const database = await openTestDatabase();
const caller = (user: ContextUser | null) => createCaller(testContext(database, user));

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

let workspace: Workspace;
const members = {} as Record<Role, ContextUser>;
let outsider: ContextUser;

beforeAll(async () => {
  members.owner = await createTestUser(database, "owner");
  workspace = await createWorkspace(database.db, { name: "Reports Co", ownerId: members.owner.id });
  await setSandboxClock(database.db, workspace.id, new Date("2026-03-31T12:00:00Z"));
  for (const role of ["admin", "finance", "viewer"] as const) {
    members[role] = await createTestUser(database, role);
    await database.db.insert(memberships).values({ workspaceId: workspace.id, userId: members[role].id, role });
  }
  outsider = await createTestUser(database, "outsider");
  await createWorkspace(database.db, { name: "Elsewhere", ownerId: outsider.id });
});

describe("reports router", () => {
  it.each(["owner", "admin", "finance", "viewer"] as const)("the %s can read the lift report and the journal", async (role) => {
    const api = caller(members[role]);
    const lift = await api.reports.lift({ workspaceId: workspace.id, period: { preset: "30d" } });
    expect(lift.workspaceId).toBe(workspace.id);
    expect(lift.livemode).toBe(false);
    expect(lift.now.toISOString()).toBe("2026-03-31T12:00:00.000Z");
    expect(lift.period.label).toBe("Last 30 days");
    expect(lift.notices[0]).toMatch(/No recovery case was opened/);
    const journal = await api.reports.journal({ workspaceId: workspace.id, period: { from: "2026-03-01", to: "2026-03-31" } });
    expect(journal).toMatchObject({ payments: 0, totals: [], latest: [] });
  });

  it("defaults to the last 90 days", async () => {
    const lift = await caller(members.finance).reports.lift({ workspaceId: workspace.id });
    expect(lift.period.label).toBe("Last 90 days");
  });

  it.each(["owner", "admin", "finance"] as const)("the %s may export", async (role) => {
    const scope = await caller(members[role]).reports.exportScope({ workspaceId: workspace.id, period: { preset: "7d" } });
    expect(scope.workspace).toMatchObject({ id: workspace.id, slug: workspace.slug, mode: "sandbox" });
    expect(scope.scope.period.from.toISOString()).toBe("2026-03-25T00:00:00.000Z");
  });

  it("a viewer may read but not export", async () => {
    expect(await code(caller(members.viewer).reports.exportScope({ workspaceId: workspace.id }))).toBe("FORBIDDEN");
  });

  it("someone outside the workspace finds nothing, and signed-out callers are asked to sign in", async () => {
    for (const path of ["lift", "journal", "exportScope"] as const) {
      expect(await code(caller(outsider).reports[path]({ workspaceId: workspace.id }))).toBe("NOT_FOUND");
      expect(await code(caller(null).reports[path]({ workspaceId: workspace.id }))).toBe("UNAUTHORIZED");
    }
  });

  it("refuses a malformed period with the reason", async () => {
    const api = caller(members.finance);
    const error = await api.reports
      .lift({ workspaceId: workspace.id, period: { from: "2026-03-10", to: "2026-03-01" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/start date must be on or before the end date/);
  });
});
