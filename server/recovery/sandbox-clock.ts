import { nextSandboxEngagement, playSandboxEngagement } from "@/server/billing/sandbox/engagement";
import { claimAction, nextPendingAction, performAction } from "./actions";
import { setSandboxClock, workspaceNow } from "./context";
import type { RecoveryDeps } from "./ports";

/**
 * Moves a sandbox workspace's test clock to `to`, running everything that falls
 * due on the way, in order, each at its own simulated time: the scheduled
 * actions and what the sandbox's simulated customers do (open an email, click
 * its link, put a new card on file). Actions that one action plans (a retry
 * after a new card) are picked up in turn. Bounded by
 * `maxActions` so a runaway plan cannot hold the request forever.
 */
export async function advanceSandboxClock(
  deps: RecoveryDeps,
  args: { workspaceId: string; to: Date; maxActions?: number },
): Promise<{ from: Date; to: Date; performed: number; customerEvents: number; remaining: boolean }> {
  const from = await workspaceNow(deps, args.workspaceId);
  if (args.to.getTime() < from.getTime()) throw new Error("The sandbox clock only moves forward.");
  const limit = args.maxActions ?? 5_000;
  let performed = 0;
  let customerEvents = 0;
  for (;;) {
    const next = await nextPendingAction(deps.db, args.workspaceId, args.to);
    // What simulated customers do (open, click, update a card) is interleaved with the actions, each at its own time.
    const engagement = await nextSandboxEngagement(deps.db, args.workspaceId, next ? next.dueAt : args.to);
    if (engagement) {
      if (performed + customerEvents >= limit) return { from, to: await workspaceNow(deps, args.workspaceId), performed, customerEvents, remaining: true };
      await playSandboxEngagement(deps, engagement);
      customerEvents++;
      continue;
    }
    if (!next) break;
    if (performed + customerEvents >= limit) return { from, to: await workspaceNow(deps, args.workspaceId), performed, customerEvents, remaining: true };
    const current = await workspaceNow(deps, args.workspaceId);
    if (next.dueAt.getTime() > current.getTime()) await setSandboxClock(deps.db, args.workspaceId, next.dueAt);
    const claimed = await claimAction(deps, next.id);
    if (!claimed) {
      // Another worker holds it and its lease has not lapsed: stop the clock
      // here rather than jump past it, and say there is more to run.
      if (next.status === "running") return { from, to: await workspaceNow(deps, args.workspaceId), performed, customerEvents, remaining: true };
      continue;
    }
    await performAction(deps, claimed);
    performed++;
  }
  await setSandboxClock(deps.db, args.workspaceId, args.to);
  return { from, to: args.to, performed, customerEvents, remaining: false };
}

/** Advances to the due time of the next pending action and runs what is due then. */
export async function advanceToNextAction(deps: RecoveryDeps, workspaceId: string) {
  const next = await nextPendingAction(deps.db, workspaceId);
  if (!next) return null;
  const now = await workspaceNow(deps, workspaceId);
  return advanceSandboxClock(deps, { workspaceId, to: new Date(Math.max(now.getTime(), next.dueAt.getTime())) });
}
