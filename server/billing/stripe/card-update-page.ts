import { completeCardUpdate, type CardUpdateResult } from "@/server/recovery/card-update";
import { resolveCardUpdateLink } from "@/server/recovery/card-update-links";
import { workspaceNow } from "@/server/recovery/context";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { getConnection } from "./connections";
import type { StripeBillingProvider } from "./provider";
import { catchUpCustomerInvoices } from "./scan";

/**
 * The server side of the hosted card-update page for a live workspace. Card data never reaches
 * Reclaim: the page asks for a SetupIntent on the merchant's account (`startLiveCardUpdate`), the
 * customer's browser confirms it with Stripe's Payment Element, and `finishLiveCardUpdate` reads
 * the outcome back from Stripe (never trusting the browser's word), opens cases for the customer's
 * failed invoices Reclaim had not heard of, and then the domain makes the card the default and
 * charges every open invoice (completeCardUpdate: once per invoice, idempotently).
 */

export type LiveCardSession =
  | { ok: true; publishableKey: string; stripeAccount: string | null; clientSecret: string; setupIntentId: string }
  | { ok: false; reason: "link"; state: "not_found" | "expired" | "used" | "settled" }
  | { ok: false; reason: "unavailable"; message: string };

async function resolveLive(deps: RecoveryDeps, token: string) {
  const resolved = await resolveCardUpdateLink(deps.db, token, (workspaceId) => workspaceNow(deps, workspaceId));
  if (resolved.state !== "valid" || !resolved.workspace || !resolved.link || !resolved.customer) {
    return { ok: false as const, reason: "link" as const, state: resolved.state === "valid" ? ("not_found" as const) : resolved.state };
  }
  if (resolved.workspace.mode !== "live") {
    return { ok: false as const, reason: "unavailable" as const, message: "This page takes test cards in the sandbox form." };
  }
  const connection = await getConnection(deps.db, resolved.workspace.id);
  const billing = await deps.billing(resolved.workspace.id).catch(() => null);
  if (!connection || connection.status !== "active" || !connection.publishableKey || !billing || billing.name !== "stripe") {
    return {
      ok: false as const,
      reason: "unavailable" as const,
      message: "Card updates are paused for this account right now. Contact the company that sent you the link.",
    };
  }
  return { ok: true as const, resolved, connection, provider: billing as StripeBillingProvider };
}

/** A SetupIntent for the link's customer; `attemptId` (one per page view) makes a repeated request reuse it. */
export async function startLiveCardUpdate(deps: RecoveryDeps, args: { token: string; attemptId: string }): Promise<LiveCardSession> {
  const live = await resolveLive(deps, args.token);
  if (!live.ok) return live;
  const { resolved, connection, provider } = live;
  const session = await provider.startCardUpdate({
    customerExternalId: resolved.customer!.externalId,
    idempotencyKey: `${resolved.link!.id}:${args.attemptId}`,
    metadata: { reclaim_link_id: resolved.link!.id, reclaim_thread_id: resolved.link!.threadId },
  });
  return {
    ok: true,
    publishableKey: connection.publishableKey!,
    stripeAccount: connection.method === "oauth" ? connection.accountId : null,
    clientSecret: session.clientSecret,
    setupIntentId: session.setupIntentId,
  };
}

export type LiveCardOutcome =
  | { ok: true; cardLabel: string; result: CardUpdateResult }
  | { ok: false; reason: "link"; state: "not_found" | "expired" | "used" | "settled" }
  | { ok: false; reason: "unavailable" | "pending" | "failed"; message: string };

/** After the browser confirmed the SetupIntent: what Stripe says of it, then the charges. */
export async function finishLiveCardUpdate(deps: RecoveryDeps, args: { token: string; setupIntentId: string }): Promise<LiveCardOutcome> {
  if (!/^seti_\w+$/.test(args.setupIntentId)) return { ok: false, reason: "failed", message: "The card setup could not be found. Reload the page and try again." };
  const live = await resolveLive(deps, args.token);
  if (!live.ok) return live;
  const confirmed = await live.provider.confirmCardUpdate({ customerExternalId: live.resolved.customer!.externalId, setupIntentId: args.setupIntentId });
  if (confirmed.status !== "succeeded") {
    return confirmed.status === "pending"
      ? { ok: false, reason: "pending", message: `${confirmed.message} Your card update finishes on its own once the bank confirms; you can close this page.` }
      : { ok: false, reason: "failed", message: `${confirmed.message} Try another card.` };
  }
  // "Every open invoice": also the customer's failed ones no webhook has reported yet.
  await catchUpCustomerInvoices(deps, {
    workspaceId: live.resolved.workspace!.id,
    connectionId: live.connection.id,
    access: live.provider.access,
    customerExternalId: live.resolved.customer!.externalId,
  });
  const result = await completeCardUpdate(deps, { token: args.token, paymentMethodRef: confirmed.paymentMethodRef, paymentMethodLabel: confirmed.label });
  return { ok: true, cardLabel: confirmed.label, result };
}
