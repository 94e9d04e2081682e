import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { memberships, users, type Role } from "@/server/db/schema";

export type Member = { userId: string; email: string; name: string | null; role: Role; joinedAt: Date };

export async function listMembers(db: Db, { workspaceId }: { workspaceId: string }): Promise<Member[]> {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt));
}

export async function getMemberRole(
  db: Db,
  { workspaceId, userId }: { workspaceId: string; userId: string },
): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

export async function countOwners(db: Db, { workspaceId }: { workspaceId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")));
  return row?.n ?? 0;
}

export async function setMemberRole(
  db: Db,
  { workspaceId, userId, role }: { workspaceId: string; userId: string; role: Role },
): Promise<void> {
  await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
}

export async function removeMember(db: Db, { workspaceId, userId }: { workspaceId: string; userId: string }): Promise<void> {
  await db.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
}
