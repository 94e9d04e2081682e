import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { createWorkspace, listWorkspacesForUser } from "@/server/queries/workspaces";

export const DEMO_EMAIL = "demo@reclaim.local";
export const DEMO_WORKSPACE_NAME = "Acme Cloud (demo)";

/**
 * The demo merchant and its sandbox workspace, made on the first `npm run dev`
 * and by `npm run reclaim -- seed:demo`. Running it again changes nothing: the
 * demo user is found by email, and a workspace is made only if it has none.
 */
export async function seedDemo(db: Db): Promise<{ email: string; workspaceSlug: string; created: boolean }> {
  const [inserted] = await db
    .insert(users)
    .values({ email: DEMO_EMAIL, name: "Demo Merchant" })
    .onConflictDoNothing({ target: users.email })
    .returning();
  const [user] = inserted ? [inserted] : await db.select().from(users).where(eq(users.email, DEMO_EMAIL));
  if (!user) throw new Error("The demo user could not be created");
  const [existing] = await listWorkspacesForUser(db, { userId: user.id });
  if (existing) return { email: DEMO_EMAIL, workspaceSlug: existing.slug, created: false };
  const workspace = await createWorkspace(db, { name: DEMO_WORKSPACE_NAME, slug: "demo", ownerId: user.id });
  return { email: DEMO_EMAIL, workspaceSlug: workspace.slug, created: true };
}
