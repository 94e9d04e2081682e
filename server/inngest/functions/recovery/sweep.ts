import { cron } from "inngest";
import { claimDueActions, performAction } from "@/server/recovery/actions";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { claimedAction } from "@/server/recovery/thread-actions";
import { getRecoveryDeps } from "@/server/runtime";
import { inngest } from "../../client";
import { threadPlanned } from "../../events";

export type SweepOptions = {
  /** Actions claimed per round. */
  batchSize?: number;
  /** Rounds per sweep; what is left waits for the next sweep, five minutes later. */
  maxRounds?: number;
};

/**
 * The safety net of the Inngest driver: every five minutes, claim whatever is
 * due that no run performed (an event was dropped, a run hit its bound or
 * failed) and perform it with the same domain code, one step per action. The
 * claim is the local driver's (FOR UPDATE SKIP LOCKED plus a lease), so the
 * sweep and the thread runs never perform one action twice. Each thread it
 * touched gets a thread.planned event: a waiting run re-reads its plan, and a
 * thread that had lost its run gets a new one.
 */
export function createSweep(getDeps: () => Promise<RecoveryDeps>, options: SweepOptions = {}) {
  const batchSize = options.batchSize ?? 25;
  const maxRounds = options.maxRounds ?? 4;
  return inngest.createFunction(
    {
      id: "recovery-sweep",
      name: "Recovery: sweep due actions",
      triggers: [cron("*/5 * * * *")],
      // A sweep that runs long is not doubled by the next tick.
      singleton: { mode: "skip" },
    },
    async ({ step }) => {
      let performed = 0;
      const threads = new Map<string, string>();
      for (let round = 1; round <= maxRounds; round++) {
        const claimed = await step.run(`claim-due-${round}`, async () => {
          const actions = await claimDueActions(await getDeps(), batchSize);
          return actions.map((a) => ({ id: a.id, runCount: a.runCount, workspaceId: a.workspaceId, threadId: a.threadId }));
        });
        const outcomes = await Promise.all(
          claimed.map((a) =>
            step.run(`perform-${a.id}-${a.runCount}`, async () => {
              const deps = await getDeps();
              // Re-read under the claim: a claim that lapsed and was taken over is left to its new holder.
              const action = await claimedAction(deps.db, a.id, a.runCount);
              if (!action) return { performed: false as const };
              const result = await performAction(deps, action);
              return { performed: true as const, status: result.status };
            }),
          ),
        );
        claimed.forEach((a, i) => {
          if (outcomes[i]?.performed) {
            performed++;
            threads.set(a.threadId, a.workspaceId);
          }
        });
        if (claimed.length < batchSize) break;
      }
      if (threads.size > 0) {
        await step.sendEvent(
          "rearm-thread-runs",
          [...threads].map(([threadId, workspaceId]) => threadPlanned.create({ workspaceId, threadId })),
        );
      }
      return { performed, threads: threads.size };
    },
  );
}

export const sweep = createSweep(getRecoveryDeps);
