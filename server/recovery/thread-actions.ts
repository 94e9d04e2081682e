import { and, asc, eq, inArray } from "drizzle-orm";
import { dunningThreads, scheduledActions, type ScheduledAction } from "@/server/db/schema";
import { workspaceNow, type Executor } from "./context";
import type { RecoveryDeps } from "./ports";

/**
 * Per-thread views of the plan, for a scheduler that runs one loop per
 * customer thread (the Inngest driver). The local driver does not need them:
 * it claims whatever is due across all threads.
 */

/** True while the thread is open: a closed thread has nothing left to do. */
export async function threadIsOpen(db: Executor, threadId: string): Promise<boolean> {
  const [thread] = await db.select({ status: dunningThreads.status }).from(dunningThreads).where(eq(dunningThreads.id, threadId));
  return thread?.status === "open";
}

/** The thread's earliest action that is not finished (pending, or running under someone's claim). */
export async function nextActionForThread(db: Executor, threadId: string): Promise<ScheduledAction | null> {
  const [next] = await db
    .select()
    .from(scheduledActions)
    .where(and(eq(scheduledActions.threadId, threadId), inArray(scheduledActions.status, ["pending", "running"])))
    .orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.createdAt))
    .limit(1);
  return next ?? null;
}

/** An action a scheduler claimed earlier, if that claim (its run count) still holds. */
export async function claimedAction(db: Executor, actionId: string, runCount: number): Promise<ScheduledAction | null> {
  const [row] = await db
    .select()
    .from(scheduledActions)
    .where(and(eq(scheduledActions.id, actionId), eq(scheduledActions.status, "running"), eq(scheduledActions.runCount, runCount)));
  return row ?? null;
}

export type ThreadNextStep =
  | { state: "closed" }
  | { state: "idle" }
  | { state: "due"; action: ScheduledAction }
  | {
      state: "wait";
      action: ScheduledAction;
      /** Real time at which to look again. */
      wakeAt: Date;
      /** not_due: its due time has not come; claimed: another worker holds it until its lease lapses. */
      reason: "not_due" | "claimed";
    };

/**
 * What a thread's scheduler loop should do now: stop (the thread is closed, or
 * nothing is planned), perform the next action, or wait.
 *
 * Due times are on the workspace's clock (a sandbox workspace lives on its
 * test clock); waits happen in real time. So the wait is the time left on the
 * workspace's clock, counted from the real now: for a live workspace that is
 * exactly the due time. A sandbox test clock only moves when the merchant
 * advances it (and the advance runs what falls due itself), so there the
 * loop simply looks again later.
 */
export async function nextStepForThread(deps: Pick<RecoveryDeps, "db" | "clock">, threadId: string): Promise<ThreadNextStep> {
  if (!(await threadIsOpen(deps.db, threadId))) return { state: "closed" };
  const action = await nextActionForThread(deps.db, threadId);
  if (!action) return { state: "idle" };
  const realNow = deps.clock.now();
  if (action.status === "running") {
    // Someone claimed it (the sweep, a sandbox clock advance, an earlier run):
    // look again when their lease lapses; by then it is done or claimable.
    if (action.leaseUntil && action.leaseUntil.getTime() > realNow.getTime()) {
      return { state: "wait", action, wakeAt: action.leaseUntil, reason: "claimed" };
    }
    return { state: "due", action };
  }
  const left = action.dueAt.getTime() - (await workspaceNow(deps, action.workspaceId)).getTime();
  if (left <= 0) return { state: "due", action };
  return { state: "wait", action, wakeAt: new Date(realNow.getTime() + left), reason: "not_due" };
}
