import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { customers, dunningThreads, invoices, memberships, recoveryCases, type Role, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";

const database = await openTestDatabase();
const db = database.db;
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
let elsewhere: Workspace;
const members = {} as Record<Role, ContextUser>;
let outsider: ContextUser;

/** A sandbox case recovered by a Reclaim retry (the workspaces here are sandboxes). */
async function recoveredCase(ws: Workspace, opened: string, closed: string, amount: number) {
  const version = await getActiveSequenceVersion(db, ws.id);
  const [customer] = await db
    .insert(customers)
    .values({ workspaceId: ws.id, provider: "sandbox", externalId: `cus_${crypto.randomBytes(4).toString("hex")}`, cohort: "treatment" })
    .returning();
  const [thread] = await db
    .insert(dunningThreads)
    .values({ workspaceId: ws.id, customerId: customer!.id, sequenceVersionId: version.id, cohort: "treatment", openedAt: new Date(opened) })
    .returning();
  const [invoice] = await db
    .insert(invoices)
    .values({ workspaceId: ws.id, customerId: customer!.id, provider: "sandbox", externalId: `in_${crypto.randomBytes(4).toString("hex")}`, amountDue: amount, currency: "usd" })
    .returning();
  await db.insert(recoveryCases).values({
    workspaceId: ws.id,
    threadId: thread!.id,
    customerId: customer!.id,
    invoiceId: invoice!.id,
    sequenceVersionId: version.id,
    cohort: "treatment",
    status: "recovered",
    declineCategory: "soft",
    declineKind: "insufficient_funds",
    declineCode: "insufficient_funds",
    amount,
    currency: "usd",
    livemode: false,
    openedAt: new Date(opened),
    closedAt: new Date(closed),
    recoveredAmount: amount,
    recoveredVia: "reclaim_retry",
  });
}

beforeAll(async () => {
  members.owner = await createTestUser(database, "owner");
  workspace = await createWorkspace(db, { name: "Analytics Co", ownerId: members.owner.id });
  await setSandboxClock(db, workspace.id, new Date("2026-03-31T12:00:00Z"));
  for (const role of ["admin", "finance", "viewer"] as const) {
    members[role] = await createTestUser(database, role);
    await db.insert(memberships).values({ workspaceId: workspace.id, userId: members[role].id, role });
  }
  outsider = await createTestUser(database, "outsider");
  elsewhere = await createWorkspace(db, { name: "Elsewhere", ownerId: outsider.id });
  await setSandboxClock(db, elsewhere.id, new Date("2026-03-31T12:00:00Z"));
  // Three days to recover, on 20 March (in the last 30 days of the test clock, not in its last 7).
  await recoveredCase(workspace, "2026-03-17T10:00:00Z", "2026-03-20T11:00:00Z", 4200);
  await recoveredCase(elsewhere, "2026-03-17T10:00:00Z", "2026-03-20T11:00:00Z", 9999);
});

describe("analytics router", () => {
  it.each(["owner", "admin", "finance", "viewer"] as const)("the %s can read the summary, on the workspace's clock and mode", async (role) => {
    const summary = await caller(members[role]).analytics.summary({ workspaceId: workspace.id, period: { preset: "30d" } });
    expect(summary.scope).toEqual({ workspaceId: workspace.id, livemode: false, now: new Date("2026-03-31T12:00:00Z") });
    expect(summary.period.label).toBe("Last 30 days");
    expect(summary.hasCases).toBe(true);
    expect(summary.revenue).toHaveLength(1);
    expect(summary.revenue[0]).toMatchObject({ currency: "USD", cases: 1, amount: 4200 });
    expect(summary.revenue[0]!.channels.find((c) => c.channel === "our_retry")).toMatchObject({ cases: 1, amount: 4200, share: 1 });
    expect(summary.days.treatment).toEqual({ cases: 1, median: 3, p90: 3 });
    expect(summary.declines.byCode.map((r) => [r.key, r.treatment.recovered])).toEqual([["insufficient_funds", 1]]);
  });

  it("defaults to the last 30 days, and a shorter period leaves the recovery out", async () => {
    const api = caller(members.viewer);
    const byDefault = await api.analytics.summary({ workspaceId: workspace.id });
    expect(byDefault.period.label).toBe("Last 30 days");
    const week = await api.analytics.summary({ workspaceId: workspace.id, period: { preset: "7d" } });
    expect(week.period.from.toISOString()).toBe("2026-03-25T00:00:00.000Z");
    expect(week.revenue).toEqual([]);
    expect(week.notices.join(" ")).toMatch(/No case was recovered in this period/);
  });

  it("someone outside the workspace finds nothing, and signed-out callers are asked to sign in", async () => {
    expect(await code(caller(outsider).analytics.summary({ workspaceId: workspace.id }))).toBe("NOT_FOUND");
    expect(await code(caller(null).analytics.summary({ workspaceId: workspace.id }))).toBe("UNAUTHORIZED");
    // Their own workspace shows their figures only.
    const theirs = await caller(outsider).analytics.summary({ workspaceId: elsewhere.id });
    expect(theirs.revenue.map((r) => r.amount)).toEqual([9999]);
  });

  it("refuses a malformed period with the reason", async () => {
    const error = await caller(members.finance)
      .analytics.summary({ workspaceId: workspace.id, period: { from: "2026-03-10", to: "2026-03-01" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/start date must be on or before the end date/);
  });
});
