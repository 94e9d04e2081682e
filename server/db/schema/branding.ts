import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

/** How a workspace's emails and hosted pages look. Missing row: the workspace's name and Reclaim's colours. */
export const workspaceBranding = pgTable("workspace_branding", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  displayName: text("display_name"),
  logoUrl: text("logo_url"),
  accentColor: text("accent_color").notNull().default("#4f46e5"),
  supportEmail: text("support_email"),
  updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
});

export type WorkspaceBranding = typeof workspaceBranding.$inferSelect;
