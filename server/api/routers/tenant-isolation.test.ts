import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCaller } from "@/server/api/root";
import { can } from "@/server/auth/permissions";
import { memberships, type Role } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, testContext, openTestDatabase } from "@/server/testing/database";
import type { ContextUser } from "@/server/api/trpc";

const database = await openTestDatabase();

// Procedures that do not take a workspace: they act on the caller alone, or on
// an invitation addressed by its secret token. Everything else must be guarded.
const notWorkspaceScoped = new Set(["me.get", "workspace.list", "workspace.bySlug", "workspace.create", "invitation.get", "invitation.accept"]);

type ProcedureDef = { _def: { type: "query" | "mutation" | "subscription"; meta?: { capability?: Parameters<typeof can>[1] } } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>);

async function call(user: ContextUser | null, path: string, input: unknown): Promise<unknown> {
  const caller = createCaller(testContext(database, user)) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
  const [group, name] = path.split(".") as [string, string];
  return caller[group]![name]!(input);
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

let alice: ContextUser;
let bob: ContextUser;
let workspaceA: { id: string };
let workspaceB: { id: string };

beforeAll(async () => {
  alice = await createTestUser(database, "alice");
  bob = await createTestUser(database, "bob");
  workspaceA = await createWorkspace(database.db, { name: "Alpha", ownerId: alice.id });
  workspaceB = await createWorkspace(database.db, { name: "Beta", ownerId: bob.id });
});

describe("tenant isolation", () => {
  it("guards every workspace procedure of every router", () => {
    const guarded = procedures.filter(([path]) => !notWorkspaceScoped.has(path));
    expect(guarded.length).toBeGreaterThan(5);
  });

  it.each(procedures.filter(([path]) => !notWorkspaceScoped.has(path)).map(([path]) => path))(
    "%s gives a user of workspace A nothing of workspace B",
    async (path) => {
      expect(await errorCode(call(alice, path, { workspaceId: workspaceB.id }))).toBe("NOT_FOUND");
      expect(await errorCode(call(alice, path, { workspaceId: "forged-0000" }))).toBe("NOT_FOUND");
      expect(await errorCode(call(null, path, { workspaceId: workspaceA.id }))).toBe("UNAUTHORIZED");
    },
  );

  it("lists only the caller's workspaces and members", async () => {
    const mine = await call(alice, "workspace.list", undefined);
    expect((mine as { id: string }[]).map((w) => w.id)).toEqual([workspaceA.id]);
    const members = (await call(alice, "team.members", { workspaceId: workspaceA.id })) as { email: string }[];
    expect(members.map((m) => m.email)).toEqual([alice.email]);
  });

  it("does not reveal a foreign workspace by its slug", async () => {
    const [b] = (await call(bob, "workspace.list", undefined)) as { slug: string }[];
    expect(await errorCode(call(alice, "workspace.bySlug", { slug: b!.slug }))).toBe("NOT_FOUND");
  });
});

describe("roles", () => {
  const memberOf = async (role: Role) => {
    const user = await createTestUser(database, role);
    await database.db.insert(memberships).values({ workspaceId: workspaceA.id, userId: user.id, role });
    return user;
  };

  it.each(["viewer", "finance"] as const)("a %s is refused every procedure that needs more than its role", async (role) => {
    const user = await memberOf(role);
    const needsMore = procedures.filter(([, p]) => p._def.meta?.capability && !can(role, p._def.meta.capability));
    expect(needsMore.map(([path]) => path)).toEqual(
      expect.arrayContaining(["workspace.rename", "team.invite", "team.changeRole", "team.removeMember"]),
    );
    for (const [path] of needsMore) {
      expect(await errorCode(call(user, path, { workspaceId: workspaceA.id })), path).toBe("FORBIDDEN");
    }
    // Reading is still allowed.
    expect(await errorCode(call(user, "team.members", { workspaceId: workspaceA.id }))).toBe("OK");
  });

  it("an admin can invite but cannot create owners or demote the owner", async () => {
    const admin = await memberOf("admin");
    const invite = (role: Role) =>
      call(admin, "team.invite", { workspaceId: workspaceA.id, email: `new-${role}-${Date.now()}@example.com`, role });
    expect(await errorCode(invite("finance"))).toBe("OK");
    expect(await errorCode(invite("owner"))).toBe("FORBIDDEN");
    expect(await errorCode(call(admin, "team.changeRole", { workspaceId: workspaceA.id, userId: alice.id, role: "viewer" }))).toBe(
      "FORBIDDEN",
    );
  });

  it("never leaves a workspace without an owner", async () => {
    expect(await errorCode(call(alice, "team.changeRole", { workspaceId: workspaceA.id, userId: alice.id, role: "admin" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await errorCode(call(alice, "team.removeMember", { workspaceId: workspaceA.id, userId: alice.id }))).toBe("BAD_REQUEST");
  });
});
