import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cardUpdateLinks } from "./card-update-links";
import { customers } from "./customers";
import { dunningThreads } from "./dunning-threads";
import { outboxMessages } from "./outbox-messages";
import { workspaces } from "./workspaces";

/**
 * Sandbox customers the behaviour model plays: they open, click and update
 * their card by themselves as the test clock moves (see
 * `server/billing/sandbox/engagement.ts`). A customer simulated for an
 * address the merchant typed is stored with `simulated` false, and one without
 * a row (a test's) is left alone too: both are played by a person.
 */
export const sandboxCustomers = pgTable("sandbox_customers", {
  customerId: text("customer_id")
    .primaryKey()
    .references(() => customers.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  simulated: boolean("simulated").notNull().default(true),
  createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
});

export const sandboxEngagementKinds = ["open", "click", "card_update"] as const;
export type SandboxEngagementKind = (typeof sandboxEngagementKinds)[number];

/**
 * What a simulated customer will do about one email, decided by the seeded
 * model when the email is sent and played when the test clock reaches `dueAt`.
 * One row per email and kind, so planning twice plans nothing new.
 */
export const sandboxEngagements = pgTable(
  "sandbox_engagements",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    threadId: text("thread_id")
      .notNull()
      .references(() => dunningThreads.id, { onDelete: "cascade" }),
    messageId: text("message_id")
      .notNull()
      .references(() => outboxMessages.id, { onDelete: "cascade" }),
    linkId: text("link_id").references(() => cardUpdateLinks.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: sandboxEngagementKinds }).notNull(),
    dueAt: timestamp("due_at", { mode: "date", withTimezone: true }).notNull(),
    /** For a card update: the test card the customer enters. */
    cardNumber: text("card_number"),
    status: text("status", { enum: ["pending", "done", "skipped"] }).notNull().default("pending"),
    /** What happened, in words, once played. */
    result: text("result"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sandbox_engagements_message_kind_idx").on(t.messageId, t.kind),
    index("sandbox_engagements_due_idx").on(t.workspaceId, t.status, t.dueAt),
  ],
);

export type SandboxEngagement = typeof sandboxEngagements.$inferSelect;
