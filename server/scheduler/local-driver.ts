import type { ScheduledAction } from "@/server/db/schema";
import { claimDueWithClocks, claimedNow, completeActions, runClaimedAction, type ActionResult, type Completion } from "@/server/recovery/actions";
import type { RecoveryDeps } from "@/server/recovery/ports";

export type LocalDriverOptions = {
  /** How long to wait when nothing was due. */
  pollMs?: number;
  /** Actions claimed per round trip. */
  batchSize?: number;
  /** Actions performed at once. */
  concurrency?: number;
  /**
   * Finished actions are completed together in one statement, at the end of the
   * round, or once the oldest of them has waited this long (a slow action does
   * not hold the others' completions, and so their leases, back).
   */
  completeWithinMs?: number;
  /**
   * What to do with a claimed action at `at` (its workspace's now): the domain's
   * runClaimedAction, whose done or skipped outcome the driver then completes.
   * The bench swaps it to measure the driver's own machinery.
   */
  perform?: (deps: RecoveryDeps, action: ScheduledAction, at: Date) => Promise<ActionResult>;
  /**
   * Other queued work run at the start of every round (the billing provider's webhook events:
   * server/billing/stripe/process.ts); returns how many items it took, so a full batch runs the next
   * round at once. Its failure is logged and does not stop the actions.
   */
  sideWork?: () => Promise<number>;
};

export type LocalDriver = {
  /** Runs one round: claims what is due and performs it. Returns how many actions ran. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** Look for due work now instead of at the next poll (a case was just planned). */
  wake(): void;
};

/**
 * The built-in scheduler: polls the database for due actions, claims them with
 * FOR UPDATE SKIP LOCKED (so any number of these loops, in any number of
 * processes, never run one action twice) and performs them with the domain's
 * own code. Survives restarts: everything due is in the database.
 *
 * A round costs the database two statements besides the actions' own work:
 * the claim (which returns the rows and their workspaces' clocks) and one
 * guarded completion of everything that finished. A crash before that completion loses
 * nothing: the leases lapse and the actions run again, idempotently.
 */
export function createLocalDriver(deps: RecoveryDeps, options: LocalDriverOptions = {}): LocalDriver {
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const completeWithinMs = options.completeWithinMs ?? 1_000;
  const perform = options.perform ?? runClaimedAction;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let busy = false;
  let wakeRequested = false;

  async function tick(): Promise<number> {
    const side = options.sideWork
      ? await options.sideWork().catch((error: unknown) => {
          deps.logger.error("Queued webhook events could not be processed this round", { error: error instanceof Error ? error.message : String(error) });
          return 0;
        })
      : 0;
    const claimed = await claimDueWithClocks(deps, batchSize);
    if (claimed.length === 0) return side;
    const completions = completionBuffer(deps, completeWithinMs);
    let index = 0;
    const workers = Array.from({ length: Math.min(concurrency, claimed.length) }, async () => {
      while (index < claimed.length) {
        const next = claimed[index++]!;
        const { action } = next;
        const result = await perform(deps, action, await claimedNow(deps, next));
        if (result.status === "done" || result.status === "skipped") completions.add({ action, status: result.status, result: result.result });
      }
    });
    // Whatever one worker hit, what the others finished is still completed.
    const settled = await Promise.allSettled(workers);
    await completions.flush();
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return Math.max(claimed.length, side);
  }

  function schedule(delay: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      busy = true;
      wakeRequested = false;
      current = tick()
        .then((count) => {
          busy = false;
          schedule(count >= batchSize || wakeRequested ? 0 : pollMs);
        })
        .catch((error: unknown) => {
          busy = false;
          deps.logger.error("The scheduler loop failed; retrying", { error: error instanceof Error ? error.message : String(error) });
          schedule(pollMs * 4);
        });
    }, delay);
  }

  return {
    tick,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    wake() {
      if (!running) return;
      if (busy) wakeRequested = true;
      else schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

/**
 * Collects a round's finished actions and writes them with completeActions: all
 * at once when the round ends, earlier for the ones that have waited
 * `withinMs`. One write at a time. A write that fails is logged and leaves its
 * actions claimed: their leases lapse and they run again.
 */
function completionBuffer(deps: RecoveryDeps, withinMs: number) {
  let pending: Completion[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function write() {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return writing;
    writing = writing.then(async () => {
      try {
        await completeActions(deps, batch);
      } catch (error) {
        deps.logger.error(`Could not mark ${batch.length} finished actions complete; they run again when their leases lapse`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return writing;
  }

  return {
    add(completion: Completion) {
      pending.push(completion);
      timer ??= setTimeout(() => void write(), withinMs);
    },
    flush: () => write(),
  };
}
