import { bigint, boolean, date, integer, numeric, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { caseStatus } from "./recovery-cases";
import { cohort } from "./customers";
import { workspaces } from "./workspaces";

/**
 * Per-day totals of the report pages, kept by the database itself.
 *
 * Triggers on `recovery_cases`, `payment_attempts` and `outbox_messages` (migration 0010,
 * `report_days_*` functions) add every inserted row to its day's totals, move an updated row from
 * its old totals to its new ones, and take a deleted row out, in the statement that wrote the row:
 * so the totals are exact and in the same transaction as the rows, whoever writes them (the
 * recovery domain, the sandbox, the seeders, a migration or an operator with psql). A period's
 * figures are then a few hundred rows per month instead of one index entry per case, attempt or
 * email: the Overview and Reports pages stay fast at millions of cases (`npm run bench`).
 *
 * Days are UTC calendar days, the unit of every report period (server/analytics/period.ts).
 * `recovery_cases`, `payment_attempts` and `outbox_messages` remain the record: the rows of every
 * export come from them, and `report_days_rebuild()` recomputes these tables from them.
 *
 * Money is summed in int8 (a case's amount is int4) and squares in numeric: nothing overflows.
 */

/** Cases by the day they opened, with what they are now (status, recovered amount): the lift report and the Overview's openings. */
export const reportOpenedDays = pgTable(
  "report_opened_days",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    livemode: boolean("livemode").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    currency: text("currency").notNull(),
    cohort: cohort("cohort").notNull(),
    status: caseStatus("status").notNull(),
    sequenceVersionId: text("sequence_version_id").notNull(),
    cases: integer("cases").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    recoveredAmount: bigint("recovered_amount", { mode: "number" }).notNull(),
    /** Σ recovered_amount², for the lift report's variance. */
    recoveredSquares: numeric("recovered_squares").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.livemode, t.day, t.currency, t.cohort, t.status, t.sequenceVersionId] })],
);

/** Cases by the day they closed: recovered revenue, closed counts, the journal's totals. */
export const reportClosedDays = pgTable(
  "report_closed_days",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    livemode: boolean("livemode").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    currency: text("currency").notNull(),
    cohort: cohort("cohort").notNull(),
    status: caseStatus("status").notNull(),
    cases: integer("cases").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    recoveredAmount: bigint("recovered_amount", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.livemode, t.day, t.currency, t.cohort, t.status] })],
);

/** Payment attempts by day, source and outcome. */
export const reportAttemptDays = pgTable(
  "report_attempt_days",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    livemode: boolean("livemode").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    source: text("source").notNull(),
    outcome: text("outcome").notNull(),
    attempts: integer("attempts").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.livemode, t.day, t.source, t.outcome] })],
);

/** Dunning emails by the day they were sent (on the workspace's clock), and how many were opened and clicked so far. */
export const reportEmailDays = pgTable(
  "report_email_days",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    livemode: boolean("livemode").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    sent: integer("sent").notNull(),
    opened: integer("opened").notNull(),
    clicked: integer("clicked").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.livemode, t.day] })],
);
