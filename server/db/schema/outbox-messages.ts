import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

export const outboxChannels = ["email", "sms"] as const;
export const outboxChannel = pgEnum("outbox_channel", outboxChannels);

/**
 * Every message Reclaim sends, whichever transport carried it. With the sandbox
 * transport this table *is* the delivery: the dev mailbox and the console read it.
 * `idempotencyKey` makes a repeated send a no-op.
 */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    /** Null for system mail that belongs to no workspace (sign-in links). */
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    channel: outboxChannel("channel").notNull().default("email"),
    transport: text("transport").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    from: text("from").notNull(),
    replyTo: text("reply_to"),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    providerMessageId: text("provider_message_id"),
    /** "sending" until the transport accepted it; a row left "sending" by a crash is delivered again on the next send. */
    status: text("status", { enum: ["sending", "sent"] }).notNull().default("sent"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    /**
     * The mode of a dunning email (its thread's cases': live or sandbox); null for other mail, which
     * belongs to no case. Lets the Overview count a mode's emails from one index.
     */
    livemode: boolean("livemode"),
    /**
     * Engagement, where it can be known: the open pixel's id (random, unguessable) and what it and
     * the card-update link recorded. Opens are a lower bound (images blocked) and an upper bound
     * (mail privacy proxies fetch every image) at once, so they are shown as "where known".
     */
    trackingId: text("tracking_id").unique(),
    firstOpenedAt: timestamp("first_opened_at", { mode: "date", withTimezone: true }),
    openCount: integer("open_count").notNull().default(0),
    firstClickedAt: timestamp("first_clicked_at", { mode: "date", withTimezone: true }),
    clickCount: integer("click_count").notNull().default(0),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    /**
     * When a dunning email went out on its workspace's clock (a sandbox's test clock; the real one when
     * live): the reports count it on that day. Null for other mail, and for live emails recorded before
     * migration 0010, whose `created_at` is that time: the reports read coalesce(sent_at, created_at).
     */
    sentAt: timestamp("sent_at", { mode: "date", withTimezone: true }),
  },
  (t) => [
    index("outbox_messages_workspace_idx").on(t.workspaceId, t.createdAt),
    index("outbox_messages_to_idx").on(t.to, t.createdAt),
  ],
);

export type OutboxMessage = typeof outboxMessages.$inferSelect;
