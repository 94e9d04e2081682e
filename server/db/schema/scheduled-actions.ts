import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { dunningThreads } from "./dunning-threads";
import { recoveryCases } from "./recovery-cases";
import { workspaces } from "./workspaces";

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
