import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { dunningThreads } from "./dunning-threads";
import { recoveryCases } from "./recovery-cases";
import { workspaces } from "./workspaces";

export const timelineActors = ["reclaim", "billing", "customer", "merchant", "sandbox"] as const;
export type TimelineActor = (typeof timelineActors)[number];

/** The audit trail: everything that happened to a case or thread, when, by whom, and with what outcome. */
export const timelineEvents = pgTable(
  "timeline_events",
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
    caseId: text("case_id").references(() => recoveryCases.id, { onDelete: "cascade" }),
    /** Domain time (the sandbox clock's time in sandbox workspaces). */
    at: timestamp("at", { mode: "date", withTimezone: true }).notNull(),
    actor: text("actor", { enum: timelineActors }).notNull(),
    kind: text("kind").notNull(),
    summary: text("summary").notNull(),
    outcome: text("outcome"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    /** Makes a repeated event (a redelivered webhook, a re-run action) appear once. */
    dedupeKey: text("dedupe_key"),
    seq: integer("seq").generatedAlwaysAsIdentity(),
  },
  (t) => [
    index("timeline_events_thread_idx").on(t.threadId, t.at),
    index("timeline_events_case_idx").on(t.caseId, t.at),
    // Reports: a workspace's events of a kind in a period (emails sent on the sandbox clock), and emails per thread.
    index("timeline_events_kind_idx").on(t.workspaceId, t.kind, t.at),
    index("timeline_events_email_sent_idx").on(t.threadId).where(sql`${t.kind} = 'email_sent'`),
    // The outbox list finds an email's sending event (its time on the sandbox clock, its case) by the message id.
    index("timeline_events_message_idx").on(t.workspaceId, sql`(${t.data}->>'messageId')`),
    uniqueIndex("timeline_events_dedupe_idx").on(t.workspaceId, t.dedupeKey),
  ],
);

export type TimelineEvent = typeof timelineEvents.$inferSelect;
