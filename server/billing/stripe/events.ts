import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { billingConnections, cardUpdateLinks, customers, subscriptions, type BillingConnection, type SubscriptionStatus } from "@/server/db/schema";
import { completeCardUpdate, recordCardChanged } from "@/server/recovery/card-update";
import { recordClosedByProvider, recordInvoicePaid } from "@/server/recovery/close";
import { addTimeline } from "@/server/recovery/context";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { withRateLimitRetries } from "./client";
import { disconnectStripe } from "./connections";
import { latestInvoicePayment, type StripeAccess } from "./provider";
import { catchUpCustomerInvoices } from "./scan";

/**
 * What Reclaim does with each Stripe event it handles. Every handler is idempotent (events come at
 * least once, and in any order) and re-reads from Stripe what it acts on when the current state
 * matters: an `invoice.paid` that arrives before its `invoice.payment_failed` leaves the invoice
 * paid, so the late failure, which reads the invoice first, opens nothing.
 *
 * Charges Reclaim made itself (its retries, the charges after a card update, its final actions)
 * also come back as events; they carry Reclaim's idempotency key (`reclaim:…`) in `request`, and the
 * action that made them has already recorded them, so they are acknowledged and left alone.
 */
export const HANDLED_EVENTS = new Set<string>([
  "invoice.payment_failed",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_action_required",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "invoice.updated",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.updated",
  "payment_method.attached",
  "payment_method.automatically_updated",
  "setup_intent.succeeded",
  "setup_intent.setup_failed",
  "account.application.deauthorized",
]);

export type HandlerContext = {
  deps: RecoveryDeps;
  access: StripeAccess;
  connection: BillingConnection;
};

export type HandlerOutcome = { status: "processed" | "ignored"; result: string };

const done = (result: string): HandlerOutcome => ({ status: "processed", result });
const ignored = (result: string): HandlerOutcome => ({ status: "ignored", result });

const idOf = (value: string | { id: string } | null | undefined): string | null => (value == null ? null : typeof value === "string" ? value : value.id);

/** The event came from one of Reclaim's own API calls. */
const isOwnRequest = (event: Stripe.Event) => event.request?.idempotency_key?.startsWith("reclaim:") ?? false;

const at = (event: Stripe.Event) => new Date(event.created * 1000);

function subscriptionIdOf(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription ?? null);
}

function cardLabel(method: Stripe.PaymentMethod | null | undefined): string {
  const card = method?.card;
  return card ? `${card.display_brand ?? card.brand} ending in ${card.last4}, expires ${String(card.exp_month).padStart(2, "0")}/${card.exp_year}` : "a new payment method";
}

const subscriptionStatusOf: Record<string, SubscriptionStatus> = {
  active: "active",
  trialing: "active",
  past_due: "past_due",
  unpaid: "unpaid",
  canceled: "canceled",
  incomplete_expired: "canceled",
  paused: "paused",
};

async function retrieveInvoice(ctx: HandlerContext, id: string): Promise<Stripe.Invoice> {
  return withRateLimitRetries(() =>
    ctx.access.stripe.invoices.retrieve(id, {}, ctx.access.stripeAccount ? { stripeAccount: ctx.access.stripeAccount } : {}),
  );
}

async function noteProviderRetries(ctx: HandlerContext, invoice: Stripe.Invoice) {
  if (invoice.next_payment_attempt === null) return;
  await ctx.deps.db.update(billingConnections).set({ providerRetriesSeenAt: new Date() }).where(eq(billingConnections.id, ctx.connection.id));
}

/** A failed charge at Stripe: opens (or adds to) the invoice's case, with the decline read from the invoice's payments. */
async function paymentFailed(ctx: HandlerContext, event: Stripe.Event, invoiceId: string, authentication: boolean): Promise<HandlerOutcome> {
  if (isOwnRequest(event)) return ignored("Reclaim's own charge: the action that made it recorded it.");
  const invoice = await retrieveInvoice(ctx, invoiceId);
  await noteProviderRetries(ctx, invoice);
  if (invoice.collection_method !== "charge_automatically") return ignored("The invoice is sent for manual payment, not charged automatically.");
  if (invoice.status === "paid") return invoicePaid(ctx, event, invoice);
  if (invoice.status !== "open") return ignored(`The invoice is ${invoice.status ?? "a draft"} now: nothing to recover.`);
  const customerId = idOf(invoice.customer);
  if (!customerId) return ignored("The invoice has no customer.");
  const latest = await latestInvoicePayment(ctx.access, invoice.id);
  // The bank asks the customer to authenticate: whatever the payment's error says, that is what the customer must do.
  const decline = authentication ? { ...latest.decline, code: "authentication_required", declineCode: null } : (latest.decline ?? { code: null });
  const subscriptionId = subscriptionIdOf(invoice);
  const result = await recordPaymentFailure(ctx.deps, {
    workspaceId: ctx.connection.workspaceId,
    provider: "stripe",
    eventKey: event.id,
    occurredAt: at(event),
    customer: { externalId: customerId, email: invoice.customer_email ?? null, name: invoice.customer_name ?? null },
    subscription: subscriptionId ? { externalId: subscriptionId, amount: invoice.amount_due, currency: invoice.currency } : null,
    invoice: {
      externalId: invoice.id,
      number: invoice.number,
      amountDue: invoice.amount_remaining,
      currency: invoice.currency,
      hostedUrl: invoice.hosted_invoice_url ?? null,
    },
    decline,
    source: invoice.attempt_count > 1 ? "provider_retry" : "initial",
    livemode: event.livemode,
    providerRef: latest.paymentIntentId,
  });
  if (result.result === "ignored") return ignored(result.reason);
  return done(`${result.result === "opened" ? "Opened" : "Updated"} case ${result.caseId} (${result.classification.category}: ${result.classification.code}).`);
}

/** Paid at Stripe: by Stripe's own retry, or some other way (paid out of band, on the hosted invoice page). */
async function invoicePaid(ctx: HandlerContext, event: Stripe.Event, invoice: Stripe.Invoice): Promise<HandlerOutcome> {
  if (isOwnRequest(event)) return ignored("Reclaim's own charge: the action that made it recorded it.");
  const offStripe = (invoice.amount_paid_off_stripe ?? 0) > 0;
  const paidAt = invoice.status_transitions?.paid_at;
  const result = await recordInvoicePaid(ctx.deps, {
    workspaceId: ctx.connection.workspaceId,
    provider: "stripe",
    invoiceExternalId: invoice.id,
    via: offStripe ? "out_of_band" : "provider_retry",
    at: paidAt ? new Date(paidAt * 1000) : at(event),
  });
  return result.result === "recovered" ? done(`Case ${result.caseId} recovered.`) : ignored(result.reason);
}

async function invoiceClosed(ctx: HandlerContext, event: Stripe.Event, invoiceId: string, status: "void" | "uncollectible"): Promise<HandlerOutcome> {
  if (isOwnRequest(event)) return ignored("Reclaim's own final action: the action that made it recorded it.");
  const { closed } = await recordClosedByProvider(ctx.deps, {
    workspaceId: ctx.connection.workspaceId,
    provider: "stripe",
    target: { invoiceExternalId: invoiceId },
    status: status === "void" ? "cancelled" : "lost",
    reason: status === "void" ? "The invoice was voided in Stripe." : "The invoice was marked uncollectible in Stripe.",
    at: at(event),
  });
  return closed.length > 0 ? done(`Closed ${closed.length} case(s).`) : ignored("No open case for this invoice.");
}

async function subscriptionChanged(ctx: HandlerContext, event: Stripe.Event, subscription: Stripe.Subscription): Promise<HandlerOutcome> {
  const status = subscriptionStatusOf[subscription.status];
  const updated = status
    ? await ctx.deps.db
        .update(subscriptions)
        .set({ status, updatedAt: sql`now()` })
        .where(
          and(
            eq(subscriptions.workspaceId, ctx.connection.workspaceId),
            eq(subscriptions.provider, "stripe"),
            eq(subscriptions.externalId, subscription.id),
            // Reclaim's own grace stage stays while Stripe still calls the subscription past due.
            sql`not (${subscriptions.status} = 'grace' and ${status} = 'past_due')`,
          ),
        )
        .returning({ id: subscriptions.id })
    : [];
  if (status === "canceled" && !isOwnRequest(event)) {
    const { closed } = await recordClosedByProvider(ctx.deps, {
      workspaceId: ctx.connection.workspaceId,
      provider: "stripe",
      target: { subscriptionExternalId: subscription.id },
      status: "cancelled",
      reason: "The subscription was canceled in Stripe.",
      at: at(event),
    });
    return done(`Subscription canceled; closed ${closed.length} case(s).`);
  }
  return updated.length > 0 ? done(`Subscription is ${status}.`) : ignored("Not a subscription Reclaim is recovering.");
}

async function customerUpdated(ctx: HandlerContext, event: Stripe.Event, customer: Stripe.Customer): Promise<HandlerOutcome> {
  const [known] = await ctx.deps.db
    .update(customers)
    .set({ email: customer.email, name: customer.name ?? null, updatedAt: sql`now()` })
    .where(and(eq(customers.workspaceId, ctx.connection.workspaceId), eq(customers.provider, "stripe"), eq(customers.externalId, customer.id)))
    .returning({ id: customers.id });
  if (!known) return ignored("Not a customer Reclaim is recovering.");
  const previous = (event.data.previous_attributes ?? {}) as Partial<Stripe.Customer>;
  const newDefault = idOf(customer.invoice_settings?.default_payment_method ?? null);
  const changed = previous.invoice_settings !== undefined && idOf(previous.invoice_settings?.default_payment_method ?? null) !== newDefault;
  if (!changed || !newDefault || isOwnRequest(event)) return done("Customer details updated.");
  // A new default card set at Stripe (by the customer in a portal, or by the merchant): charge the open invoices now.
  const method = await withRateLimitRetries(() =>
    ctx.access.stripe.paymentMethods.retrieve(newDefault, {}, ctx.access.stripeAccount ? { stripeAccount: ctx.access.stripeAccount } : {}),
  ).catch(() => null);
  await catchUp(ctx, customer.id);
  const { results } = await recordCardChanged(ctx.deps, {
    workspaceId: ctx.connection.workspaceId,
    provider: "stripe",
    customerExternalId: customer.id,
    eventKey: event.id,
    paymentMethodLabel: cardLabel(method),
    via: "card_update",
  });
  return done(`New default card: charged ${results.length} open invoice(s).`);
}

async function cardUpdatedAutomatically(ctx: HandlerContext, event: Stripe.Event, method: Stripe.PaymentMethod): Promise<HandlerOutcome> {
  const customerId = idOf(method.customer);
  if (!customerId) return ignored("The payment method belongs to no customer.");
  await catchUp(ctx, customerId);
  const { results } = await recordCardChanged(ctx.deps, {
    workspaceId: ctx.connection.workspaceId,
    provider: "stripe",
    customerExternalId: customerId,
    eventKey: event.id,
    paymentMethodLabel: cardLabel(method),
    via: "card_updater",
  });
  return results.length > 0 ? done(`Card updated by the network: charged ${results.length} open invoice(s).`) : ignored("The customer has no open case.");
}

/** Before a changed card is charged: the customer's failed invoices no webhook reported get their cases too. */
async function catchUp(ctx: HandlerContext, customerExternalId: string): Promise<void> {
  await catchUpCustomerInvoices(ctx.deps, { workspaceId: ctx.connection.workspaceId, connectionId: ctx.connection.id, access: ctx.access, customerExternalId });
}

/** A SetupIntent from Reclaim's card-update page (its metadata names the link): completes the update if the page did not. */
async function setupSucceeded(ctx: HandlerContext, intent: Stripe.SetupIntent): Promise<HandlerOutcome> {
  const linkId = intent.metadata?.reclaim_link_id;
  if (!linkId) return ignored("Not a card update started by Reclaim.");
  const paymentMethodRef = idOf(intent.payment_method);
  if (!paymentMethodRef) return ignored("The SetupIntent saved no payment method.");
  // Usually the page has finished the update already: then nothing needs reading from Stripe again.
  const [link] = await ctx.deps.db
    .select({ usedAt: cardUpdateLinks.usedAt })
    .from(cardUpdateLinks)
    .where(and(eq(cardUpdateLinks.id, linkId), eq(cardUpdateLinks.workspaceId, ctx.connection.workspaceId)));
  if (link?.usedAt) return ignored("The link is used.");
  const method = await withRateLimitRetries(() =>
    ctx.access.stripe.paymentMethods.retrieve(paymentMethodRef, {}, ctx.access.stripeAccount ? { stripeAccount: ctx.access.stripeAccount } : {}),
  ).catch(() => null);
  const customerId = idOf(intent.customer ?? null);
  if (customerId) await catchUp(ctx, customerId);
  const result = await completeCardUpdate(ctx.deps, { linkId, paymentMethodRef, paymentMethodLabel: cardLabel(method) });
  if (result.state === "busy") throw new Error("The card update is being completed by the page right now; trying again shortly.");
  return result.state === "completed" ? done(`Card update completed: ${result.invoices.length} invoice(s).`) : ignored(`The link is ${result.state}.`);
}

async function setupFailed(ctx: HandlerContext, event: Stripe.Event, intent: Stripe.SetupIntent): Promise<HandlerOutcome> {
  const threadId = intent.metadata?.reclaim_thread_id;
  if (!threadId) return ignored("Not a card update started by Reclaim.");
  await addTimeline(ctx.deps.db, {
    workspaceId: ctx.connection.workspaceId,
    threadId,
    at: at(event),
    actor: "customer",
    kind: "card_update_failed",
    summary: `The customer's new card could not be saved: ${intent.last_setup_error?.message ?? "the bank declined it"}.`,
    dedupeKey: `setup-failed:${event.id}`,
  });
  return done("Noted on the customer's timeline.");
}

/** Handles one verified Stripe event for a connected workspace. Throws on a failure worth trying again (Stripe unreachable…). */
export async function handleStripeEvent(ctx: HandlerContext, event: Stripe.Event): Promise<HandlerOutcome> {
  switch (event.type) {
    case "invoice.payment_failed":
      return paymentFailed(ctx, event, event.data.object.id, false);
    case "invoice.payment_action_required":
      return paymentFailed(ctx, event, event.data.object.id, true);
    case "invoice.paid":
    case "invoice.payment_succeeded":
      return invoicePaid(ctx, event, event.data.object);
    case "invoice.voided":
      return invoiceClosed(ctx, event, event.data.object.id, "void");
    case "invoice.marked_uncollectible":
      return invoiceClosed(ctx, event, event.data.object.id, "uncollectible");
    case "invoice.updated": {
      // Only a change of status matters here; what it is now is read from Stripe.
      const previous = (event.data.previous_attributes ?? {}) as Partial<Stripe.Invoice>;
      if (previous.status === undefined) return ignored("No change of status.");
      const invoice = await retrieveInvoice(ctx, event.data.object.id);
      if (invoice.status === "paid") return invoicePaid(ctx, event, invoice);
      if (invoice.status === "void") return invoiceClosed(ctx, event, invoice.id, "void");
      if (invoice.status === "uncollectible") return invoiceClosed(ctx, event, invoice.id, "uncollectible");
      return ignored(`The invoice is ${invoice.status ?? "a draft"}.`);
    }
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
      return subscriptionChanged(ctx, event, event.data.object);
    case "customer.updated":
      return customerUpdated(ctx, event, event.data.object);
    case "payment_method.attached":
      return ignored("A card attached alone changes nothing until it becomes the default (customer.updated).");
    case "payment_method.automatically_updated":
      return cardUpdatedAutomatically(ctx, event, event.data.object);
    case "setup_intent.succeeded":
      return setupSucceeded(ctx, event.data.object);
    case "setup_intent.setup_failed":
      return setupFailed(ctx, event, event.data.object);
    case "account.application.deauthorized": {
      const { disconnected } = await disconnectStripe(ctx.deps.db, {
        workspaceId: ctx.connection.workspaceId,
        reason: "Reclaim's access was removed in Stripe (account.application.deauthorized).",
      });
      return disconnected ? done("Disconnected: live activity stopped.") : ignored("Already disconnected.");
    }
    default:
      return ignored(`Reclaim does not act on ${event.type}.`);
  }
}
