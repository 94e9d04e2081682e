import crypto from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { memberships, workspaces, type Role, type Workspace } from "@/server/db/schema";

export type WorkspaceWithRole = Workspace & { role: Role };

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return base || "workspace";
}

export async function listWorkspacesForUser(db: Db, { userId }: { userId: string }): Promise<WorkspaceWithRole[]> {
  const rows = await db
    .select({ workspace: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(workspaces.name), asc(workspaces.createdAt));
  return rows.map((r) => ({ ...r.workspace, role: r.role }));
}

/** The workspace and the user's role in it, or null when the user is not a member (or it does not exist). */
export async function getMembership(
  db: Db,
  { workspaceId, userId }: { workspaceId: string; userId: string },
): Promise<{ workspace: Workspace; role: Role } | null> {
  const [row] = await db
    .select({ workspace: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row ?? null;
}

export async function getWorkspaceBySlugForUser(
  db: Db,
  { slug, userId }: { slug: string; userId: string },
): Promise<WorkspaceWithRole | null> {
  const [row] = await db
    .select({ workspace: workspaces, role: memberships.role })
    .from(workspaces)
    .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, userId)))
    .where(eq(workspaces.slug, slug));
  return row ? { ...row.workspace, role: row.role } : null;
}

/** Creates a workspace in sandbox mode with `ownerId` as its owner. The slug is made unique. */
export async function createWorkspace(
  db: Db,
  { name, ownerId, slug }: { name: string; ownerId: string; slug?: string },
): Promise<Workspace> {
  const base = slugify(slug ?? name);
  return db.transaction(async (tx) => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = attempt === 0 ? base : `${base}-${crypto.randomBytes(3).toString("hex")}`;
      const [workspace] = await tx
        .insert(workspaces)
        .values({ name, slug: candidate })
        .onConflictDoNothing({ target: workspaces.slug })
        .returning();
      if (workspace) {
        await tx.insert(memberships).values({ workspaceId: workspace.id, userId: ownerId, role: "owner" });
        return workspace;
      }
    }
    throw new Error(`Could not find a free address for a workspace named ${name}`);
  });
}

export async function renameWorkspace(
  db: Db,
  { workspaceId, name }: { workspaceId: string; name: string },
): Promise<Workspace> {
  const [workspace] = await db
    .update(workspaces)
    .set({ name, updatedAt: new Date() })
    .where(eq(workspaces.id, workspaceId))
    .returning();
  if (!workspace) throw new Error(`Workspace ${workspaceId} not found`);
  return workspace;
}
