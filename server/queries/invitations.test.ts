import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { invitations, memberships, type Role } from "@/server/db/schema";
import {
  acceptInvitation,
  createInvitation,
  findInvitationByToken,
  hashInvitationToken,
  INVITATION_TTL_DAYS,
  listPendingInvitations,
  revokeInvitation,
} from "@/server/queries/invitations";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, openTestDatabase, uniqueEmail } from "@/server/testing/database";
import type { ContextUser } from "@/server/api/trpc";

const database = await openTestDatabase();
const db = database.db;
const DAY = 24 * 60 * 60 * 1000;

let owner: ContextUser;
let workspace: { id: string; slug: string; name: string };

beforeAll(async () => {
  owner = await createTestUser(database, "inviter");
  workspace = await createWorkspace(db, { name: `Invites ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
});

const invite = (email: string, role: Role = "viewer", now?: Date) =>
  createInvitation(db, { workspaceId: workspace.id, email, role, invitedById: owner.id, now });

const rowById = async (id: string) => {
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  return row;
};

const roleOf = async (userId: string, workspaceId = workspace.id) => {
  const rows = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return rows.map((r) => r.role);
};

describe("createInvitation", () => {
  it("stores only the sha256 of the token and returns the token once", async () => {
    const email = uniqueEmail("invitee");
    const now = new Date("2030-01-01T12:00:00Z");
    const { invitation, token } = await invite(email, "finance", now);

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const row = await rowById(invitation.id);
    expect(row).toBeDefined();
    expect(row!.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(row!.tokenHash).toBe(hashInvitationToken(token));
    // The token itself is in no column.
    expect(Object.values(row!).map(String)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);

    expect(row).toMatchObject({
      workspaceId: workspace.id,
      email,
      role: "finance",
      status: "pending",
      invitedById: owner.id,
      acceptedById: null,
      acceptedAt: null,
    });
    expect(row!.createdAt.getTime()).toBe(now.getTime());
    expect(row!.expiresAt.getTime()).toBe(now.getTime() + INVITATION_TTL_DAYS * DAY);
    expect(INVITATION_TTL_DAYS).toBe(7);
  });

  it("makes a different token every time", async () => {
    const a = await invite(uniqueEmail("a"));
    const b = await invite(uniqueEmail("b"));
    expect(a.token).not.toBe(b.token);
    expect(a.invitation.tokenHash).not.toBe(b.invitation.tokenHash);
  });

  it("finds an invitation by its token, with the workspace and the inviter, but not by its hash", async () => {
    const email = uniqueEmail("findme");
    const { invitation, token } = await invite(email, "admin");
    const view = await findInvitationByToken(db, { token });
    expect(view).not.toBeNull();
    expect(view!.invitation.id).toBe(invitation.id);
    expect(view!.invitation.email).toBe(email);
    expect(view!.workspace).toEqual({ id: workspace.id, name: workspace.name, slug: workspace.slug });
    expect(view!.invitedBy).toBe(owner.name);

    expect(await findInvitationByToken(db, { token: invitation.tokenHash })).toBeNull();
    expect(await findInvitationByToken(db, { token: `${token}x` })).toBeNull();
  });

  it("re-inviting the same email replaces the pending invitation's token", async () => {
    const email = uniqueEmail("again");
    const first = await invite(email, "viewer", new Date("2030-02-01T00:00:00Z"));
    const secondNow = new Date("2030-02-03T00:00:00Z");
    const second = await invite(email, "admin", secondNow);

    expect(second.token).not.toBe(first.token);
    expect(second.invitation.id).toBe(first.invitation.id); // renewed, not a second invitation
    expect(await findInvitationByToken(db, { token: first.token })).toBeNull();
    const found = await findInvitationByToken(db, { token: second.token });
    expect(found!.invitation.id).toBe(first.invitation.id);
    expect(found!.invitation.role).toBe("admin");
    expect(found!.invitation.expiresAt.getTime()).toBe(secondNow.getTime() + INVITATION_TTL_DAYS * DAY);

    const pending = (await listPendingInvitations(db, { workspaceId: workspace.id })).filter((i) => i.email === email);
    expect(pending).toHaveLength(1);

    // The old link is dead for accepting too.
    const user = await createTestUser(database, "again");
    expect(await acceptInvitation(db, { token: first.token, userId: user.id, email, now: secondNow })).toEqual({
      ok: false,
      reason: "not-found",
    });
  });

  it("re-inviting renews an invitation that had expired", async () => {
    const email = uniqueEmail("renew");
    const user = await createTestUser(database, "renew");
    const old = await invite(email, "viewer", new Date("2030-03-01T00:00:00Z"));
    const later = new Date("2030-03-20T00:00:00Z");
    expect(await acceptInvitation(db, { token: old.token, userId: user.id, email, now: later })).toMatchObject({
      ok: false,
      reason: "expired",
    });
    const renewed = await invite(email, "viewer", later);
    expect(await acceptInvitation(db, { token: renewed.token, userId: user.id, email, now: later })).toMatchObject({ ok: true });
  });

  it("keeps invitations to the same email in different workspaces apart", async () => {
    const email = uniqueEmail("two-workspaces");
    const other = await createWorkspace(db, { name: `Other ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
    const here = await invite(email);
    const there = await createInvitation(db, { workspaceId: other.id, email, role: "admin", invitedById: owner.id });
    expect(there.invitation.id).not.toBe(here.invitation.id);
    expect((await findInvitationByToken(db, { token: here.token }))!.workspace.id).toBe(workspace.id);
    expect((await findInvitationByToken(db, { token: there.token }))!.workspace.id).toBe(other.id);
  });

  it("inviting again after a revocation makes a new invitation and leaves the revoked one revoked", async () => {
    const email = uniqueEmail("revoked-then-again");
    const first = await invite(email);
    expect(await revokeInvitation(db, { workspaceId: workspace.id, invitationId: first.invitation.id })).toBe(true);
    const second = await invite(email);
    expect(second.invitation.id).not.toBe(first.invitation.id);
    expect((await rowById(first.invitation.id))!.status).toBe("revoked");
    expect((await rowById(second.invitation.id))!.status).toBe("pending");
    const pending = (await listPendingInvitations(db, { workspaceId: workspace.id })).filter((i) => i.email === email);
    expect(pending.map((i) => i.id)).toEqual([second.invitation.id]);
  });
});

describe("revokeInvitation", () => {
  it("revokes only a pending invitation of the given workspace", async () => {
    const { invitation } = await invite(uniqueEmail("revoke"));
    const other = await createWorkspace(db, { name: `Foreign ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
    expect(await revokeInvitation(db, { workspaceId: other.id, invitationId: invitation.id })).toBe(false);
    expect((await rowById(invitation.id))!.status).toBe("pending");
    expect(await revokeInvitation(db, { workspaceId: workspace.id, invitationId: invitation.id })).toBe(true);
    expect((await rowById(invitation.id))!.status).toBe("revoked");
    expect(await revokeInvitation(db, { workspaceId: workspace.id, invitationId: invitation.id })).toBe(false);
    const pendingIds = (await listPendingInvitations(db, { workspaceId: workspace.id })).map((i) => i.id);
    expect(pendingIds).not.toContain(invitation.id);
  });
});

describe("acceptInvitation", () => {
  it("adds the invited user with the invitation's role and marks it accepted", async () => {
    const user = await createTestUser(database, "joiner");
    const { invitation, token } = await invite(user.email, "finance");
    const now = new Date(Date.now() + 60_000);

    const result = await acceptInvitation(db, { token, userId: user.id, email: user.email, now });

    expect(result).toEqual({ ok: true, workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name } });
    expect(await roleOf(user.id)).toEqual(["finance"]);
    const row = await rowById(invitation.id);
    expect(row).toMatchObject({ status: "accepted", acceptedById: user.id });
    expect(row!.acceptedAt!.getTime()).toBe(now.getTime());
    const pendingIds = (await listPendingInvitations(db, { workspaceId: workspace.id })).map((i) => i.id);
    expect(pendingIds).not.toContain(invitation.id);
  });

  it("matches the email case-insensitively", async () => {
    const user = await createTestUser(database, "casey");
    const { token } = await invite(user.email.toUpperCase(), "viewer");
    expect(await acceptInvitation(db, { token, userId: user.id, email: user.email })).toMatchObject({ ok: true });
    expect(await roleOf(user.id)).toEqual(["viewer"]);
  });

  it("refuses an unknown token", async () => {
    const user = await createTestUser(database, "stranger");
    const token = crypto.randomBytes(32).toString("base64url");
    expect(await acceptInvitation(db, { token, userId: user.id, email: user.email })).toEqual({ ok: false, reason: "not-found" });
  });

  it("refuses a user whose email is not the invited one, and leaves the invitation usable", async () => {
    const invited = await createTestUser(database, "invited");
    const intruder = await createTestUser(database, "intruder");
    const { invitation, token } = await invite(invited.email, "admin");

    const result = await acceptInvitation(db, { token, userId: intruder.id, email: intruder.email });

    expect(result).toEqual({ ok: false, reason: "wrong-email", invitedEmail: invited.email });
    expect(await roleOf(intruder.id)).toEqual([]);
    expect((await rowById(invitation.id))!.status).toBe("pending");
    expect(await acceptInvitation(db, { token, userId: invited.id, email: invited.email })).toMatchObject({ ok: true });
    expect(await roleOf(invited.id)).toEqual(["admin"]);
  });

  it("refuses an expired invitation, and accepts one that has not expired yet", async () => {
    const user = await createTestUser(database, "late");
    const createdAt = new Date("2030-04-01T00:00:00Z");
    const { invitation, token } = await invite(user.email, "viewer", createdAt);
    const expiresAt = createdAt.getTime() + INVITATION_TTL_DAYS * DAY;

    const late = await acceptInvitation(db, { token, userId: user.id, email: user.email, now: new Date(expiresAt + 1) });
    expect(late).toEqual({ ok: false, reason: "expired" });
    expect(await roleOf(user.id)).toEqual([]);
    expect((await rowById(invitation.id))!.status).toBe("pending");

    const inTime = await acceptInvitation(db, { token, userId: user.id, email: user.email, now: new Date(expiresAt - 1_000) });
    expect(inTime).toMatchObject({ ok: true });
    expect(await roleOf(user.id)).toEqual(["viewer"]);
  });

  it("refuses a revoked invitation", async () => {
    const user = await createTestUser(database, "revoked");
    const { invitation, token } = await invite(user.email, "admin");
    await revokeInvitation(db, { workspaceId: workspace.id, invitationId: invitation.id });

    expect(await acceptInvitation(db, { token, userId: user.id, email: user.email })).toEqual({ ok: false, reason: "revoked" });
    expect(await roleOf(user.id)).toEqual([]);
    expect((await rowById(invitation.id))!.status).toBe("revoked");
  });

  it("refuses an invitation already used by someone else", async () => {
    const first = await createTestUser(database, "first");
    const second = await createTestUser(database, "second");
    const { invitation, token } = await invite(first.email, "viewer");
    expect(await acceptInvitation(db, { token, userId: first.id, email: first.email })).toMatchObject({ ok: true });

    // Even presenting the invited address, another account cannot reuse the link.
    expect(await acceptInvitation(db, { token, userId: second.id, email: first.email })).toEqual({
      ok: false,
      reason: "already-used",
    });
    expect(await acceptInvitation(db, { token, userId: second.id, email: second.email })).toEqual({
      ok: false,
      reason: "already-used",
    });
    expect(await roleOf(second.id)).toEqual([]);
    expect((await rowById(invitation.id))!.acceptedById).toBe(first.id);
  });

  it("lets the same user accept twice (a double click) without changing anything", async () => {
    const user = await createTestUser(database, "double");
    const { invitation, token } = await invite(user.email, "finance");
    const firstAt = new Date(Date.now() + 1_000);
    const one = await acceptInvitation(db, { token, userId: user.id, email: user.email, now: firstAt });
    const two = await acceptInvitation(db, {
      token,
      userId: user.id,
      email: user.email,
      now: new Date(firstAt.getTime() + 60_000),
    });

    expect(one).toEqual(two);
    expect(two).toEqual({ ok: true, workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name } });
    expect(await roleOf(user.id)).toEqual(["finance"]);
    const row = await rowById(invitation.id);
    expect(row!.acceptedAt!.getTime()).toBe(firstAt.getTime());
  });

  it("accepting again after the invitation would have expired is still fine for the same user", async () => {
    const user = await createTestUser(database, "revisit");
    const createdAt = new Date("2030-06-01T00:00:00Z");
    const { token } = await invite(user.email, "viewer", createdAt);
    await acceptInvitation(db, { token, userId: user.id, email: user.email, now: createdAt });
    const muchLater = new Date(createdAt.getTime() + 30 * DAY);
    expect(await acceptInvitation(db, { token, userId: user.id, email: user.email, now: muchLater })).toMatchObject({ ok: true });
  });

  it.each([
    ["admin", "viewer"],
    ["viewer", "owner"],
    ["owner", "finance"],
  ] as const)("an existing %s invited as %s keeps their role", async (existing, invitedAs) => {
    const user = await createTestUser(database, `member-${existing}`);
    await db.insert(memberships).values({ workspaceId: workspace.id, userId: user.id, role: existing });
    const { invitation, token } = await invite(user.email, invitedAs);

    const result = await acceptInvitation(db, { token, userId: user.id, email: user.email });

    expect(result).toMatchObject({ ok: true });
    expect(await roleOf(user.id)).toEqual([existing]);
    expect((await rowById(invitation.id))!.status).toBe("accepted");
  });
});
