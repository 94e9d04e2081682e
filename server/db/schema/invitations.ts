import { index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { memberRole } from "./memberships";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const invitationStatuses = ["pending", "accepted", "revoked"] as const;
export const invitationStatus = pgEnum("invitation_status", invitationStatuses);

/** An invitation to join a workspace. Only the sha256 of the link's token is stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: memberRole("role").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    status: invitationStatus("status").notNull().default("pending"),
    invitedById: text("invited_by_id").references(() => users.id, { onDelete: "set null" }),
    acceptedById: text("accepted_by_id").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { mode: "date", withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp("accepted_at", { mode: "date", withTimezone: true }),
  },
  (t) => [
    index("invitations_workspace_id_idx").on(t.workspaceId, t.createdAt),
    // One live invitation per address and workspace: inviting again replaces the link.
    uniqueIndex("invitations_pending_email_idx")
      .on(t.workspaceId, t.email)
      .where(sql`${t.status} = 'pending'`),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
