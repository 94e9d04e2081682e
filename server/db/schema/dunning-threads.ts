import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cohort, customers } from "./customers";
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
    /**
     * Dunning emails this thread has sent (its `email_sent` timeline entries): the customer's dunning step.
     * Kept by the email action in the transaction that writes the entry, and only when the entry was
     * new, so a re-run action counts nothing twice (recovery/actions.ts). Read by the Overview.
     */
    emailsSent: integer("emails_sent").notNull().default(0),
  },
  (t) => [
    uniqueIndex("dunning_threads_open_idx")
      .on(t.workspaceId, t.customerId)
      .where(sql`${t.status} = 'open'`),
    index("dunning_threads_workspace_idx").on(t.workspaceId, t.openedAt),
    // The Overview's dunning step of the open cases: the open threads' counts, read from this index alone
    // (a hash join with the open cases; see openByStep in overview.ts). A case is open only on an open thread.
    index("dunning_threads_open_emails_idx")
      .on(t.workspaceId, t.id, t.emailsSent)
      .where(sql`${t.status} = 'open'`),
  ],
);
