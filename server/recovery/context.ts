import { eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { sandboxClocks, timelineEvents, workspaces, type TimelineActor } from "@/server/db/schema";
import type { RecoveryDeps } from "./ports";

/** A database handle or an open transaction on it. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Executor = Db | Tx;

/**
 * The domain's "now" for a workspace: a sandbox workspace lives on its test
 * clock (made on first use at the real time), a live one on the deps' clock.
 */
export async function workspaceNow(deps: Pick<RecoveryDeps, "db" | "clock">, workspaceId: string, db: Executor = deps.db): Promise<Date> {
  const [row] = await db
    .select({ mode: workspaces.mode, now: sandboxClocks.now })
    .from(workspaces)
    .leftJoin(sandboxClocks, eq(sandboxClocks.workspaceId, workspaces.id))
    .where(eq(workspaces.id, workspaceId));
  if (!row) throw new Error(`Workspace ${workspaceId} not found`);
  if (row.mode !== "sandbox") return deps.clock.now();
  if (row.now) return row.now;
  const start = deps.clock.now();
  await db.insert(sandboxClocks).values({ workspaceId, now: start }).onConflictDoNothing();
  const [clock] = await db.select({ now: sandboxClocks.now }).from(sandboxClocks).where(eq(sandboxClocks.workspaceId, workspaceId));
  return clock?.now ?? start;
}

export async function setSandboxClock(db: Executor, workspaceId: string, to: Date): Promise<void> {
  await db
    .insert(sandboxClocks)
    .values({ workspaceId, now: to })
    .onConflictDoUpdate({ target: sandboxClocks.workspaceId, set: { now: to, updatedAt: sql`now()` } });
}

export type TimelineEntry = {
  workspaceId: string;
  threadId: string;
  caseId?: string | null;
  at: Date;
  actor: TimelineActor;
  kind: string;
  summary: string;
  outcome?: string | null;
  data?: Record<string, unknown>;
  /** When set, the same entry is written once however often it is reported. */
  dedupeKey?: string;
};

/**
 * Appends to the audit trail. Returns whether the entry was written: false when an entry with the
 * same `dedupeKey` was already there (a re-run reporting the same thing), so a caller can keep a
 * counter in step with the entries in the same transaction.
 */
export async function addTimeline(db: Executor, entry: TimelineEntry): Promise<boolean> {
  const inserted = await db
    .insert(timelineEvents)
    .values({
      workspaceId: entry.workspaceId,
      threadId: entry.threadId,
      caseId: entry.caseId ?? null,
      at: entry.at,
      actor: entry.actor,
      kind: entry.kind,
      summary: entry.summary,
      outcome: entry.outcome ?? null,
      data: entry.data ?? {},
      dedupeKey: entry.dedupeKey ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: timelineEvents.id });
  return inserted.length > 0;
}

/** Amount in minor units as a plain label for timelines ("49.00 USD"). Emails format properly for the customer's locale. */
export function moneyLabel(amount: number, currency: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}
