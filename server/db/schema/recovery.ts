import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cohort, customers } from "./customers";
import { invoices } from "./invoices";
import { sequenceVersions } from "./sequences";
import { workspaces } from "./workspaces";

export const threadStatuses = ["open", "closed"] as const;
export const threadStatus = pgEnum("thread_status", threadStatuses);

/**
 * One customer's dunning: the emails go out per thread, so a customer with
 * three failed invoices gets one sequence of messages, and one card update
 * retries all three. At most one open thread per customer.
 */
export const dunningThreads = pgTable(
  "dunning_threads",
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
    sequenceVersionId: text("sequence_version_id")
      .notNull()
      .references(() => sequenceVersions.id),
    cohort: cohort("cohort").notNull(),
    status: threadStatus("status").notNull().default("open"),
    openedAt: timestamp("opened_at", { mode: "date", withTimezone: true }).notNull(),
    closedAt: timestamp("closed_at", { mode: "date", withTimezone: true }),
  },
  (t) => [
    uniqueIndex("dunning_threads_open_idx")
      .on(t.workspaceId, t.customerId)
      .where(sql`${t.status} = 'open'`),
    index("dunning_threads_workspace_idx").on(t.workspaceId, t.openedAt),
  ],
);

export const caseStatuses = ["open", "recovered", "lost", "silenced", "cancelled"] as const;
export const caseStatus = pgEnum("case_status", caseStatuses);
export type CaseStatus = (typeof caseStatuses)[number];

export const dunningStages = ["past_due", "grace", "final"] as const;
export const dunningStage = pgEnum("dunning_stage", dunningStages);
export type DunningStage = (typeof dunningStages)[number];

export const recoveryChannels = ["reclaim_retry", "provider_retry", "card_update", "card_updater", "out_of_band"] as const;
export const recoveryChannel = pgEnum("recovery_channel", recoveryChannels);
export type RecoveryChannel = (typeof recoveryChannels)[number];

/** A failed invoice Reclaim is recovering: the first-class entity of the product. */
export const recoveryCases = pgTable(
  "recovery_cases",
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
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    sequenceVersionId: text("sequence_version_id")
      .notNull()
      .references(() => sequenceVersions.id),
    cohort: cohort("cohort").notNull(),
    status: caseStatus("status").notNull().default("open"),
    stage: dunningStage("stage").notNull().default("past_due"),
    declineCategory: text("decline_category").notNull(),
    declineKind: text("decline_kind").notNull(),
    declineCode: text("decline_code").notNull(),
    adviceCode: text("advice_code"),
    /** Retries Reclaim made (the provider's own attempts are in payment_attempts). */
    retryCount: integer("retry_count").notNull().default(0),
    lastAttemptAt: timestamp("last_attempt_at", { mode: "date", withTimezone: true }),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    /** Do-not-contact and similar cases the merchant should look at. */
    needsAttention: boolean("needs_attention").notNull().default(false),
    cardUpdaterResult: text("card_updater_result"),
    openedAt: timestamp("opened_at", { mode: "date", withTimezone: true }).notNull(),
    closedAt: timestamp("closed_at", { mode: "date", withTimezone: true }),
    recoveredAmount: integer("recovered_amount"),
    recoveredVia: recoveryChannel("recovered_via"),
    /** The email step (its day) whose link brought the customer back, when one did. */
    attributedEmailDay: integer("attributed_email_day"),
    attributedMessageId: text("attributed_message_id"),
  },
  (t) => [
    uniqueIndex("recovery_cases_invoice_idx").on(t.workspaceId, t.invoiceId),
    index("recovery_cases_workspace_status_idx").on(t.workspaceId, t.status, t.openedAt),
    index("recovery_cases_thread_idx").on(t.threadId),
  ],
);

export type RecoveryCase = typeof recoveryCases.$inferSelect;

export const attemptSources = ["initial", "reclaim_retry", "provider_retry", "card_update", "card_updater"] as const;

/** Every charge attempt on a case's invoice, with its decline details. */
export const paymentAttempts = pgTable(
  "payment_attempts",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    caseId: text("case_id")
      .notNull()
      .references(() => recoveryCases.id, { onDelete: "cascade" }),
    source: text("source", { enum: attemptSources }).notNull(),
    outcome: text("outcome", { enum: ["succeeded", "failed", "requires_action"] }).notNull(),
    declineCode: text("decline_code"),
    adviceCode: text("advice_code"),
    networkDeclineCode: text("network_decline_code"),
    declineCategory: text("decline_category"),
    providerRef: text("provider_ref"),
    /** Provider-side dedupe: the same event or retry is recorded once. */
    dedupeKey: text("dedupe_key").notNull(),
    at: timestamp("at", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("payment_attempts_dedupe_idx").on(t.workspaceId, t.dedupeKey), index("payment_attempts_case_idx").on(t.caseId, t.at)],
);

export const actionKinds = ["retry", "email", "enter_grace", "final_action"] as const;
export type ActionKind = (typeof actionKinds)[number];
export const actionStatuses = ["pending", "running", "done", "skipped", "cancelled", "failed"] as const;
export type ActionStatus = (typeof actionStatuses)[number];

/**
 * The plan: what Reclaim will do and when. The database is the source of truth
 * for what is due; both scheduler drivers claim rows from here.
 */
export const scheduledActions = pgTable(
  "scheduled_actions",
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
    /** Retries and stage changes belong to a case; emails to the thread. */
    caseId: text("case_id").references(() => recoveryCases.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: actionKinds }).notNull(),
    /** Which step of the plan: "retry:2", "email:day-7", "grace", "final". */
    step: text("step").notNull(),
    dueAt: timestamp("due_at", { mode: "date", withTimezone: true }).notNull(),
    status: text("status", { enum: actionStatuses }).notNull().default("pending"),
    /** Unique per planned step: planning the same step twice is a no-op. */
    idempotencyKey: text("idempotency_key").notNull().unique(),
    runCount: integer("run_count").notNull().default(0),
    /** While running: when the claim lapses (a worker that died gives the action back). */
    leaseUntil: timestamp("lease_until", { mode: "date", withTimezone: true }),
    lastError: text("last_error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    completedAt: timestamp("completed_at", { mode: "date", withTimezone: true }),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("scheduled_actions_due_idx").on(t.dueAt).where(sql`${t.status} in ('pending', 'running')`),
    index("scheduled_actions_thread_idx").on(t.threadId, t.dueAt),
    index("scheduled_actions_workspace_idx").on(t.workspaceId, t.status, t.dueAt),
  ],
);

export type ScheduledAction = typeof scheduledActions.$inferSelect;

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
    uniqueIndex("timeline_events_dedupe_idx").on(t.workspaceId, t.dedupeKey),
  ],
);

export type TimelineEvent = typeof timelineEvents.$inferSelect;

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
