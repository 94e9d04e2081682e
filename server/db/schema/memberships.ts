import { index, pgEnum, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { roles } from "@/server/auth/roles";
import { users } from "./users";
import { workspaces } from "./workspaces";

export { roles, type Role } from "@/server/auth/roles";
export const memberRole = pgEnum("member_role", roles);

/** Who belongs to which workspace, and with which role. */
export const memberships = pgTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole("role").notNull(),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("memberships_user_id_idx").on(t.userId)],
);

export type Membership = typeof memberships.$inferSelect;
