import { eventType } from "inngest";
import { z } from "zod";

/**
 * The events of the Inngest scheduler driver. They carry ids only: the
 * database is the source of truth for what is due, and every function reads
 * it again instead of trusting a payload that may be old.
 */

const id = z.string().min(1);

const threadRef = z.object({ workspaceId: id, threadId: id });

/** A thread's plan changed (a case opened or joined it, actions were added): start its run, or wake the waiting one. */
export const threadPlanned = eventType("reclaim/thread.planned", { schema: threadRef });

/** Every case of the thread is settled: its run is cancelled. */
export const threadClosed = eventType("reclaim/thread.closed", { schema: threadRef });

/** The customer's card changed: charge each listed open invoice (one case each) at once. */
export const cardUpdated = eventType("reclaim/card.updated", {
  schema: z.object({
    workspaceId: id,
    threadId: id,
    // One step per case, and Inngest allows 1,000 steps a run.
    caseIds: z.array(id).max(500),
    linkId: id.nullable(),
    emailDay: z.number().int().min(0).nullable(),
    messageKey: z.string().nullable(),
    via: z.enum(["card_update", "card_updater"]),
  }),
});

/** A Stripe webhook event was stored (webhook_events): process it. */
export const stripeEventReceived = eventType("reclaim/stripe.event.received", { schema: z.object({ eventId: id }) });

export type ThreadPlannedData = z.infer<typeof threadRef>;
export type CardUpdatedData = z.infer<typeof cardUpdated.schema>;
