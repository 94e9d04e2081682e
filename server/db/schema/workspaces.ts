import { sql } from "drizzle-orm";
import { pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const workspaceModes = ["sandbox", "live"] as const;
export const workspaceMode = pgEnum("workspace_mode", workspaceModes);
export type WorkspaceMode = (typeof workspaceModes)[number];

/** A merchant: the tenant every other table hangs off. New workspaces start in sandbox mode. */
export const workspaces = pgTable("workspaces", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  mode: workspaceMode("mode").notNull().default("sandbox"),
  /** Salt of the deterministic holdout assignment: a customer's cohort is hash(salt, customer). */
  cohortSalt: text("cohort_salt")
    .notNull()
    .default(sql`md5(random()::text)`),
  createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
});

export type Workspace = typeof workspaces.$inferSelect;
