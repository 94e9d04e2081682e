import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { DeclineDetails } from "@/server/recovery/decline";
import { recoveryCases } from "./recovery-cases";
import { workspaces } from "./workspaces";

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
    /** Everything the provider said of the decline (error and charge outcome), as read; null for an attempt that did not fail. */
    declineDetails: jsonb("decline_details").$type<DeclineDetails>(),
    providerRef: text("provider_ref"),
    /** Provider-side dedupe: the same event or retry is recorded once. */
    dedupeKey: text("dedupe_key").notNull(),
    at: timestamp("at", { mode: "date", withTimezone: true }).notNull(),
    /** Its case's mode (live or sandbox), kept on the attempt so the per-day report totals can be kept from the row alone. */
    livemode: boolean("livemode").notNull(),
  },
  (t) => [
    uniqueIndex("payment_attempts_dedupe_idx").on(t.workspaceId, t.dedupeKey),
    index("payment_attempts_case_idx").on(t.caseId, t.at),
  ],
);
