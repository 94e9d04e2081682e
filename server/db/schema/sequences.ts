import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Policy } from "@/server/recovery/policy";
import { users } from "./users";
import { workspaces } from "./workspaces";

/** A named dunning policy of a workspace. Its content lives in versions. */
export const sequences = pgTable(
  "sequences",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    currentVersion: integer("current_version").notNull().default(1),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sequences_default_idx").on(t.workspaceId).where(sql`${t.isDefault}`)],
);

/**
 * Every saved version of a sequence, never changed once written: open cases
 * keep the version they started with.
 */
export const sequenceVersions = pgTable(
  "sequence_versions",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sequenceId: text("sequence_id")
      .notNull()
      .references(() => sequences.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    policy: jsonb("policy").$type<Policy>().notNull(),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sequence_versions_version_idx").on(t.sequenceId, t.version)],
);

export type Sequence = typeof sequences.$inferSelect;
export type SequenceVersion = typeof sequenceVersions.$inferSelect;
