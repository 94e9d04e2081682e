import { receiveStripeWebhook } from "@/server/billing/stripe/webhooks";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { stripeEventReceived } from "@/server/inngest/events";
import { getSecretKey, stripePlatform, wakeLocalDriver } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Stripe sends at most 512 KiB per event; anything much larger is not Stripe's. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Stripe's webhook endpoint. The raw body is read as text (the signature covers its exact bytes) and
 * handed to `receiveStripeWebhook`, which verifies, stores under the event id and answers; processing
 * is the scheduler's: the embedded loop is woken, or Inngest is told (its sweep picks the event up
 * should that send fail). `?workspace=<workspace id>` names the workspace of a pasted key (the URL the
 * Integrations page shows); without it the request is the platform's Connect endpoint.
 */
export async function POST(request: Request) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return Response.json({ error: "The body is too large for a Stripe event." }, { status: 413 });
  const rawBody = await request.text();
  if (rawBody.length > MAX_BODY_BYTES) return Response.json({ error: "The body is too large for a Stripe event." }, { status: 413 });
  const { reply, event } = await receiveStripeWebhook(
    { db: await getDb(), secretKey: getSecretKey(), platform: stripePlatform() },
    { rawBody, signature: request.headers.get("stripe-signature"), workspaceId: new URL(request.url).searchParams.get("workspace") },
  );
  if (event) {
    if (env().SCHEDULER_DRIVER === "inngest") {
      const { inngest } = await import("@/server/inngest/client");
      await inngest.send(stripeEventReceived.create({ eventId: event.id })).catch((error: unknown) => {
        console.warn("[reclaim] Could not tell Inngest about a Stripe event; the sweep will process it", { error: error instanceof Error ? error.message : String(error) });
      });
    } else {
      wakeLocalDriver();
    }
  }
  return Response.json(reply.body, { status: reply.status, headers: { "cache-control": "no-store" } });
}
