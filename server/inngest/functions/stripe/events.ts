import { cron } from "inngest";
import { claimWebhookEvent, processDueWebhookEvents, processWebhookEvent, type StripeRuntime } from "@/server/billing/stripe/process";
import { scanDueConnections } from "@/server/billing/stripe/scan";
import { getStripeRuntime } from "@/server/runtime";
import { inngest } from "../../client";
import { stripeEventReceived } from "../../events";

/**
 * The Inngest driver's side of Stripe's webhooks. The route stores each event and sends
 * `reclaim/stripe.event.received`; this function processes it with the same code as the local
 * driver, claiming it first (FOR UPDATE SKIP LOCKED), so it and the sweep never process one event
 * twice. A failed try puts the event back with a delay for the sweep, which also catches events whose
 * send to Inngest failed.
 */
export function createStripeEventFunction(getRuntime: () => Promise<StripeRuntime>) {
  return inngest.createFunction(
    { id: "stripe-event-process", name: "Stripe: process a webhook event", triggers: [stripeEventReceived] },
    async ({ event, step }) =>
      step.run("process", async () => {
        const runtime = await getRuntime();
        const claimed = await claimWebhookEvent(runtime.deps.db, event.data.eventId);
        if (!claimed) return { status: "not-due" as const };
        const outcome = await processWebhookEvent(runtime, claimed);
        return { status: outcome.status, result: outcome.result };
      }),
  );
}

/**
 * Every minute: the Stripe events that are due and that no function run processed (a failed send, a
 * retry after a failure), then the live accounts due an overdue-invoice scan (every six hours each).
 */
export function createStripeSweep(getRuntime: () => Promise<StripeRuntime>, options: { maxRounds?: number } = {}) {
  return inngest.createFunction(
    { id: "stripe-sweep", name: "Stripe: sweep due webhook events", triggers: [cron("* * * * *")], singleton: { mode: "skip" } },
    async ({ step }) => {
      let processed = 0;
      for (let round = 1; round <= (options.maxRounds ?? 4); round++) {
        const count = await step.run(`process-due-${round}`, async () => processDueWebhookEvents(await getRuntime(), { limit: 50 }));
        processed += count;
        if (count < 50) break;
      }
      const scans = await step.run("scan-overdue", async () => (await scanDueConnections(await getRuntime())).map((s) => ({ workspaceId: s.workspaceId, opened: s.opened, error: s.error })));
      return { processed, scans };
    },
  );
}

export const stripeEventFunction = createStripeEventFunction(getStripeRuntime);
export const stripeSweep = createStripeSweep(getStripeRuntime);
