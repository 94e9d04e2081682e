import { and, eq, sql } from "drizzle-orm";
import { dunningThreads, recoveryCases, scheduledActions } from "@/server/db/schema";
import type { Executor } from "./context";

/** Takes the row lock of a case's thread for the rest of the transaction. */
export async function lockThreadOfCase(tx: Executor, caseId: string): Promise<void> {
  await tx.execute(sql`select t.id from dunning_threads t join recovery_cases c on c.thread_id = t.id where c.id = ${caseId} for update of t`);
}

/** Closes a thread that has no open case left, and cancels its pending emails. */
export async function closeThreadIfDone(tx: Executor, threadId: string, at: Date): Promise<boolean> {
  const [open] = await tx
    .select({ id: recoveryCases.id })
    .from(recoveryCases)
    .where(and(eq(recoveryCases.threadId, threadId), eq(recoveryCases.status, "open")))
    .limit(1);
  if (open) return false;
  await tx
    .update(scheduledActions)
    .set({ status: "cancelled", completedAt: at })
    .where(and(eq(scheduledActions.threadId, threadId), eq(scheduledActions.status, "pending")));
  const closed = await tx
    .update(dunningThreads)
    .set({ status: "closed", closedAt: at })
    .where(and(eq(dunningThreads.id, threadId), eq(dunningThreads.status, "open")))
    .returning({ id: dunningThreads.id });
  return closed.length > 0;
}
