import type { ScheduledAction } from "@/server/db/schema";
import { claimDueActions, performAction } from "@/server/recovery/actions";
import type { RecoveryDeps } from "@/server/recovery/ports";

export type LocalDriverOptions = {
  /** How long to wait when nothing was due. */
  pollMs?: number;
  /** Actions claimed per round trip. */
  batchSize?: number;
  /** Actions performed at once. */
  concurrency?: number;
  /** What to do with a claimed action: the domain's performAction (the bench swaps it to measure the loop alone). */
  perform?: (deps: RecoveryDeps, action: ScheduledAction) => Promise<unknown>;
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
 */
export function createLocalDriver(deps: RecoveryDeps, options: LocalDriverOptions = {}): LocalDriver {
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const perform = options.perform ?? performAction;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let busy = false;
  let wakeRequested = false;

  async function tick(): Promise<number> {
    const claimed = await claimDueActions(deps, batchSize);
    let index = 0;
    const workers = Array.from({ length: Math.min(concurrency, claimed.length) }, async () => {
      while (index < claimed.length) {
        const action = claimed[index++]!;
        await perform(deps, action);
      }
    });
    await Promise.all(workers);
    return claimed.length;
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
