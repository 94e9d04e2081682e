import { claimAction, performAction } from "@/server/recovery/actions";
import { DAY } from "@/server/recovery/clock";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { nextStepForThread } from "@/server/recovery/thread-actions";
import { getRecoveryDeps } from "@/server/runtime";
import { inngest } from "../../client";
import { threadClosed, threadPlanned } from "../../events";

/**
 * Iterations of the loop one run may make. Each iteration is at most two steps
 * (read the plan, then wait or perform), so a run stays far below Inngest's
 * 1,000 steps a run, and its memoized state stays small. A default 28-day plan
 * needs about 2 iterations per action (10 to 30 in all); the bound only stops
 * a run that something keeps re-planning or failing. The sweep then performs
 * what falls due and starts a fresh run for the thread.
 */
export const MAX_ITERATIONS = 200;

/**
 * Longest single wait. Inngest's free plan caps waits at 7 days, and a sandbox
 * test clock does not move on its own, so a long wait is cut into pieces: the
 * loop looks at the plan again after each.
 */
export const MAX_WAIT_MS = 7 * DAY;

/** What one look at the plan decided, as plain JSON (step results are serialized). */
export type NextAction =
  | { state: "closed" }
  | { state: "idle" }
  | { state: "due"; actionId: string; runCount: number; step: string }
  | { state: "wait"; actionId: string; step: string; wakeAt: string; reason: "not_due" | "claimed" };

async function readNext(deps: RecoveryDeps, threadId: string): Promise<NextAction> {
  const next = await nextStepForThread(deps, threadId);
  switch (next.state) {
    case "closed":
      return { state: "closed" };
    case "idle":
      return { state: "idle" };
    case "due":
      return { state: "due", actionId: next.action.id, runCount: next.action.runCount, step: next.action.step };
    case "wait": {
      const cap = deps.clock.now().getTime() + MAX_WAIT_MS;
      const wakeAt = new Date(Math.min(next.wakeAt.getTime(), cap));
      return { state: "wait", actionId: next.action.id, step: next.action.step, wakeAt: wakeAt.toISOString(), reason: next.reason };
    }
  }
}

/**
 * One run per customer thread: look at the thread's plan, wait until its next
 * action is due (a re-plan wakes the run early), perform it with the domain's
 * own code, and go round again until the thread closes or nothing is left.
 * The run decides only when; claiming (a guarded update) keeps it from ever
 * performing an action that the sweep or a sandbox clock advance is running.
 */
export function createRunThread(getDeps: () => Promise<RecoveryDeps>) {
  return inngest.createFunction(
    {
      id: "recovery-run-thread",
      name: "Recovery: run a customer's thread",
      triggers: [threadPlanned],
      // Singleton: one run per thread for the whole run (a later thread.planned
      // only wakes it, through the wait below). Concurrency: the steps of one
      // thread never overlap, even between a finishing run and a new one.
      singleton: { key: "event.data.threadId", mode: "skip" },
      concurrency: [{ key: "event.data.threadId", limit: 1 }],
      cancelOn: [{ event: threadClosed, if: "async.data.threadId == event.data.threadId" }],
    },
    async ({ event, step, logger }) => {
      const { threadId } = event.data;
      let performed = 0;
      for (let n = 1; n <= MAX_ITERATIONS; n++) {
        const next = await step.run(`next-action-${n}`, async () => readNext(await getDeps(), threadId));
        if (next.state === "closed" || next.state === "idle") return { ended: next.state, iterations: n, performed };

        if (next.state === "wait") {
          // Wakes at the due time (timeout) or on a re-plan of this thread
          // (event); either way the plan is read again, since it may have changed.
          await step.waitForEvent(`wake-${n}`, {
            event: threadPlanned,
            timeout: new Date(next.wakeAt),
            if: "async.data.threadId == event.data.threadId",
          });
          continue;
        }

        // The run count is part of the id: an action that failed transiently is
        // performed again later in the same run, under a new step.
        const outcome = await step.run(`perform-${next.actionId}-${next.runCount}`, async () => {
          const deps = await getDeps();
          const claimed = await claimAction(deps, next.actionId);
          if (!claimed) return { claimed: false as const };
          const result = await performAction(deps, claimed);
          return { claimed: true as const, status: result.status };
        });
        if (outcome.claimed) performed++;
      }
      logger.warn(`Thread ${threadId}: stopped after ${MAX_ITERATIONS} iterations; the sweep takes over what falls due.`);
      return { ended: "bound" as const, iterations: MAX_ITERATIONS, performed };
    },
  );
}

export const runThread = createRunThread(getRecoveryDeps);
