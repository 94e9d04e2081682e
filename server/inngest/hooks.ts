import type { Logger, SchedulerHooks } from "@/server/recovery/ports";
import { inngest } from "./client";
import { threadClosed, threadPlanned } from "./events";

type EventSender = Pick<typeof inngest, "send">;

const warnLogger: Pick<Logger, "warn"> = {
  warn: (message, data) => console.warn(`[reclaim] ${message}`, data ?? ""),
};

/**
 * Tells the Inngest driver that a thread's plan changed or that it closed.
 * A failed send does not fail the domain operation that triggered it (the
 * change is already committed): the sweep performs what falls due within
 * five minutes and starts the thread's run again.
 */
export function createInngestSchedulerHooks(sender: EventSender = inngest, logger: Pick<Logger, "warn"> = warnLogger): SchedulerHooks {
  async function send(what: string, threadId: string, payload: Parameters<EventSender["send"]>[0]) {
    try {
      await sender.send(payload);
    } catch (error) {
      logger.warn(`Could not tell Inngest that thread ${threadId} ${what}; the sweep will catch up within five minutes`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return {
    threadPlanned: ({ workspaceId, threadId }) => send("was planned", threadId, threadPlanned.create({ workspaceId, threadId })),
    // A thread closes once: a fixed id lets Inngest drop a repeated report.
    threadClosed: ({ workspaceId, threadId }) =>
      send("closed", threadId, threadClosed.create({ workspaceId, threadId }, { id: `thread-closed:${threadId}` })),
  };
}

export const inngestSchedulerHooks = createInngestSchedulerHooks();
