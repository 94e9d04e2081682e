import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { dunningThreads } from "./dunning-threads";
import { workspaces } from "./workspaces";

/** Single-use links to the hosted card-update page. Only the token's hash is stored. */
export const cardUpdateLinks = pgTable(
  "card_update_links",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    threadId: text("thread_id")
      .notNull()
      .references(() => dunningThreads.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    /** The email that carried the link and its step, for attribution. */
    messageKey: text("message_key"),
    emailDay: integer("email_day"),
    expiresAt: timestamp("expires_at", { mode: "date", withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { mode: "date", withTimezone: true }),
    /** Real time until which one submission holds the link: a second one at the same moment waits its turn. */
    processingUntil: timestamp("processing_until", { mode: "date", withTimezone: true }),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("card_update_links_thread_idx").on(t.threadId)],
);

export type CardUpdateLink = typeof cardUpdateLinks.$inferSelect;
