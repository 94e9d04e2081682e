import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { billingConnections } from "./billing-connections";
import { workspaces } from "./workspaces";

export const webhookEventStatuses = ["pending", "processing", "processed", "ignored", "failed"] as const;
export const webhookEventStatus = pgEnum("webhook_event_status", webhookEventStatuses);
export type WebhookEventStatus = (typeof webhookEventStatuses)[number];

/**
 * Every verified webhook event, stored under the provider's event id before anything else is done
 * with it: a second delivery of the same id is acknowledged and ignored. The route only stores and
 * acknowledges; the scheduler (the local driver, or Inngest) processes `pending` events, claiming
 * them like scheduled actions, so a crash or a deploy loses nothing.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    provider: text("provider", { enum: ["stripe"] }).notNull(),
    /** The provider's event id (Stripe `evt_…`). */
    eventId: text("event_id").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    connectionId: text("connection_id").references(() => billingConnections.id, { onDelete: "set null" }),
    type: text("type").notNull(),
    livemode: boolean("livemode").notNull(),
    /** The connected account, for Connect events. */
    account: text("account"),
    /** When the provider created the event. */
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookEventStatus("status").notNull().default("pending"),
    runCount: integer("run_count").notNull().default(0),
    /** When a pending event may be tried (backoff after a failure); a processing one's lease. */
    dueAt: timestamp("due_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { mode: "date", withTimezone: true }),
    /** What processing did or why it ignored the event; the last error of a failed try. */
    result: text("result"),
  },
  (t) => [
    uniqueIndex("webhook_events_event_idx").on(t.provider, t.eventId),
    index("webhook_events_due_idx").on(t.dueAt).where(sql`${t.status} in ('pending', 'processing')`),
    index("webhook_events_workspace_idx").on(t.workspaceId, t.receivedAt),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
