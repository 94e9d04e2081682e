import { sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cohort, customers } from "./customers";
import { dunningThreads } from "./dunning-threads";
import { invoices } from "./invoices";
import { sequenceVersions } from "./sequences";
import { workspaces } from "./workspaces";

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
    /**
     * Real money (a live billing account) or play money (the sandbox, a provider's test mode). Reports
     * filter on it so sandbox and live figures are never mixed, even in a workspace that went live.
     */
    livemode: boolean("livemode").notNull().default(false),
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
    // Reports: cases opened in a period, cases closed in a period, and the cases open now. The columns after the
    // range are the ones the case-level report queries read (the Analytics page, the exports, the newest closed
    // cases), so at a million cases they are answered by index-only scans instead of a heap visit per case (drizzle
    // has no INCLUDE, hence key columns). The period totals of the Overview and Reports pages come from the per-day
    // totals (report-days.ts) instead.
    index("recovery_cases_report_opened_idx").on(
      t.workspaceId,
      t.livemode,
      t.openedAt,
      t.currency,
      t.status,
      t.cohort,
      t.sequenceVersionId,
      t.amount,
      t.closedAt,
      t.recoveredAmount,
    ),
    index("recovery_cases_report_closed_idx").on(t.workspaceId, t.livemode, t.closedAt, t.currency, t.status, t.cohort, t.amount, t.recoveredAmount),
    index("recovery_cases_report_open_idx")
      .on(t.workspaceId, t.livemode, t.currency, t.stage, t.cohort, t.amount, t.customerId, t.threadId)
      .where(sql`${t.status} = 'open'`),
  ],
);

export type RecoveryCase = typeof recoveryCases.$inferSelect;
