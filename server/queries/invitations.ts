import crypto from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { invitations, memberships, users, workspaces, type Invitation, type Role } from "@/server/db/schema";

export const INVITATION_TTL_DAYS = 7;

export const hashInvitationToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/**
 * Creates (or renews) the pending invitation of `email` to a workspace. Only the
 * token's hash is stored; the token itself is returned once, for the email.
 */
export async function createInvitation(
  db: Db,
  params: { workspaceId: string; email: string; role: Role; invitedById: string; now?: Date },
): Promise<{ invitation: Invitation; token: string }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const now = params.now ?? new Date();
  const values = {
    workspaceId: params.workspaceId,
    email: params.email.trim().toLowerCase(),
    role: params.role,
    invitedById: params.invitedById,
    tokenHash: hashInvitationToken(token),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000),
    createdAt: now,
  };
  const [invitation] = await db
    .insert(invitations)
    .values(values)
    .onConflictDoUpdate({
      target: [invitations.workspaceId, invitations.email],
      targetWhere: eq(invitations.status, "pending"),
      set: {
        role: values.role,
        invitedById: values.invitedById,
        tokenHash: values.tokenHash,
        expiresAt: values.expiresAt,
        createdAt: values.createdAt,
      },
    })
    .returning();
  if (!invitation) throw new Error("The invitation was not saved");
  return { invitation, token };
}

export async function listPendingInvitations(db: Db, { workspaceId }: { workspaceId: string }): Promise<Invitation[]> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.status, "pending")))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(
  db: Db,
  { workspaceId, invitationId }: { workspaceId: string; invitationId: string },
): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ status: "revoked" })
    .where(
      and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspaceId), eq(invitations.status, "pending")),
    )
    .returning({ id: invitations.id });
  return rows.length > 0;
}

export type InvitationView = {
  invitation: Invitation;
  workspace: { id: string; name: string; slug: string };
  invitedBy: string | null;
};

export async function findInvitationByToken(db: Db, { token }: { token: string }): Promise<InvitationView | null> {
  const [row] = await db
    .select({
      invitation: invitations,
      workspace: { id: workspaces.id, name: workspaces.name, slug: workspaces.slug },
      inviterName: users.name,
      inviterEmail: users.email,
    })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.invitedById))
    .where(eq(invitations.tokenHash, hashInvitationToken(token)));
  if (!row) return null;
  return { invitation: row.invitation, workspace: row.workspace, invitedBy: row.inviterName ?? row.inviterEmail };
}

export type AcceptResult =
  | { ok: true; workspace: { id: string; slug: string; name: string } }
  | { ok: false; reason: "not-found" | "expired" | "revoked" | "already-used" | "wrong-email"; invitedEmail?: string };

/** Accepts an invitation for the signed-in user. The invitation must be addressed to their email. */
export async function acceptInvitation(
  db: Db,
  params: { token: string; userId: string; email: string; now?: Date },
): Promise<AcceptResult> {
  const now = params.now ?? new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ invitation: invitations, workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name } })
      .from(invitations)
      .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
      .where(eq(invitations.tokenHash, hashInvitationToken(params.token)))
      .for("update", { of: invitations });
    if (!row) return { ok: false, reason: "not-found" };
    const { invitation, workspace } = row;
    if (invitation.status === "revoked") return { ok: false, reason: "revoked" };
    if (invitation.status === "accepted") {
      return invitation.acceptedById === params.userId
        ? { ok: true, workspace }
        : { ok: false, reason: "already-used" };
    }
    if (invitation.expiresAt.getTime() < now.getTime()) return { ok: false, reason: "expired" };
    if (invitation.email.toLowerCase() !== params.email.toLowerCase()) {
      return { ok: false, reason: "wrong-email", invitedEmail: invitation.email };
    }
    // Someone who is already a member keeps their role: an invitation never
    // demotes or promotes a member.
    await tx
      .insert(memberships)
      .values({ workspaceId: invitation.workspaceId, userId: params.userId, role: invitation.role })
      .onConflictDoNothing();
    await tx
      .update(invitations)
      .set({ status: "accepted", acceptedById: params.userId, acceptedAt: now })
      .where(eq(invitations.id, invitation.id));
    return { ok: true, workspace };
  });
}
