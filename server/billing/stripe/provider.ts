import crypto from "node:crypto";
import Stripe from "stripe";
import type { InvoiceStatus } from "@/server/db/schema";
import type { DeclineInput } from "@/server/recovery/decline";
import type { BillingProvider, ChargeResult } from "@/server/recovery/ports";
import { withRateLimitRetries } from "./client";

/**
 * How Reclaim reaches one merchant's Stripe account: a client holding the merchant's restricted key,
 * or (Connect) the platform's key with the connected account named on every call.
 */
export type StripeAccess = { stripe: Stripe; stripeAccount: string | null };

/** A card-update session on the merchant's account: what the customer's browser needs for the Payment Element. */
export type SetupSession = { setupIntentId: string; clientSecret: string };

/** The outcome of a SetupIntent the customer confirmed, read back from Stripe (never from the browser). */
export type ConfirmedSetup =
  | { status: "succeeded"; paymentMethodRef: string; label: string }
  | { status: "pending" | "failed"; message: string };

export type StripeBillingProvider = BillingProvider & {
  readonly name: "stripe";
  /** The client and account it calls, for reads beyond the provider port (the customer's open invoices). */
  readonly access: StripeAccess;
  /** A SetupIntent on the customer, for a new card taken off-session later. Idempotent per key. */
  startCardUpdate(args: { customerExternalId: string; idempotencyKey: string; metadata: Record<string, string> }): Promise<SetupSession>;
  /** Reads a SetupIntent back: succeeded (with its payment method, for this customer only), still pending, or failed. */
  confirmCardUpdate(args: { customerExternalId: string; setupIntentId: string }): Promise<ConfirmedSetup>;
};

/** Per-call options: the connected account (Connect) and an idempotency key for calls with side effects. */
function callOptions(access: StripeAccess, idempotencyKey?: string): Stripe.RequestOptions {
  return {
    ...(access.stripeAccount ? { stripeAccount: access.stripeAccount } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

/** Stripe's idempotency keys are at most 255 characters; ours are shorter, but a long one is hashed rather than cut. */
export function stripeIdempotencyKey(key: string): string {
  const prefixed = `reclaim:${key}`;
  if (prefixed.length <= 255) return prefixed;
  return `reclaim:sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
}

const knownInvoiceStatuses: readonly string[] = ["open", "paid", "void", "uncollectible"] satisfies InvoiceStatus[];

/** Stripe's invoice status as Reclaim keeps it (a status this version does not know reads as draft: nothing to collect). */
export function invoiceStatusOf(status: Stripe.Invoice.Status | null): InvoiceStatus {
  return status !== null && knownInvoiceStatuses.includes(status) ? (status as InvoiceStatus) : "draft";
}

const idOf = (value: string | { id: string } | null | undefined): string | null => (value == null ? null : typeof value === "string" ? value : value.id);

/** Codes that mean the bank wants the customer to authenticate (3-D Secure) rather than a decline. */
const AUTHENTICATION_CODES = new Set(["authentication_required", "invoice_payment_intent_requires_action", "authentication_not_handled"]);

export type LatestPayment = {
  paymentIntentId: string | null;
  chargeId: string | null;
  status: string | null;
  decline: DeclineInput | null;
};

/**
 * The invoice's latest payment attempt as Stripe records it: since API 2025-03-31 an invoice carries
 * no PaymentIntent or charge of its own; its payments list has them. The decline is the
 * PaymentIntent's last error (code, decline, advice and network codes) and the charge's outcome
 * (its reason, e.g. highest_risk_level, its advice code when the error had none, and its type,
 * network status and advice, risk level and message, which are kept on the attempt).
 */
export async function latestInvoicePayment(access: StripeAccess, invoiceId: string): Promise<LatestPayment> {
  const list = await withRateLimitRetries(() =>
    access.stripe.invoicePayments.list({ invoice: invoiceId, limit: 10, expand: ["data.payment.payment_intent.latest_charge"] }, callOptions(access)),
  );
  const latest = [...list.data].sort((a, b) => b.created - a.created)[0];
  if (!latest) return { paymentIntentId: null, chargeId: null, status: null, decline: null };
  const intent = typeof latest.payment.payment_intent === "object" ? latest.payment.payment_intent : null;
  const charge = intent && typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  const error = intent?.last_payment_error ?? null;
  const decline: DeclineInput | null =
    error || (charge && charge.status === "failed")
      ? {
          code: error?.code ?? charge?.failure_code ?? null,
          declineCode: error?.decline_code ?? null,
          adviceCode: error?.advice_code ?? charge?.outcome?.advice_code ?? null,
          outcomeReason: charge?.outcome?.reason ?? null,
          networkDeclineCode: error?.network_decline_code ?? charge?.outcome?.network_decline_code ?? null,
          networkAdviceCode: charge?.outcome?.network_advice_code ?? null,
          outcomeType: charge?.outcome?.type ?? null,
          networkStatus: charge?.outcome?.network_status ?? null,
          riskLevel: charge?.outcome?.risk_level ?? null,
          message: charge?.outcome?.seller_message ?? error?.message ?? null,
        }
      : null;
  return {
    paymentIntentId: intent?.id ?? idOf(latest.payment.payment_intent),
    chargeId: charge?.id ?? idOf(latest.payment.charge),
    status: latest.status,
    decline,
  };
}

/** The decline of a card error, with the charge's outcome from the invoice's payments when Stripe has it. */
async function declineOfCardError(access: StripeAccess, invoiceId: string, error: Stripe.errors.StripeCardError): Promise<DeclineInput> {
  const fromError: DeclineInput = {
    code: error.code ?? null,
    declineCode: error.decline_code || null,
    adviceCode: error.advice_code ?? null,
    networkDeclineCode: error.network_decline_code ?? null,
    message: error.message || null,
  };
  try {
    const latest = await latestInvoicePayment(access, invoiceId);
    if (!latest.decline) return fromError;
    // The error says what this call met; the invoice's payment adds the charge's outcome.
    return {
      ...latest.decline,
      code: fromError.code ?? latest.decline.code,
      declineCode: fromError.declineCode ?? latest.decline.declineCode,
      adviceCode: fromError.adviceCode ?? latest.decline.adviceCode,
      networkDeclineCode: fromError.networkDeclineCode ?? latest.decline.networkDeclineCode,
      message: latest.decline.message ?? fromError.message,
    };
  } catch {
    // The decline itself is known from the error; the outcome's reason is a refinement.
    return fromError;
  }
}

export function createStripeProvider(access: StripeAccess): StripeBillingProvider {
  const { stripe } = access;
  const call = <T>(run: () => Promise<T>) => withRateLimitRetries(run);

  async function hostedUrl(invoiceId: string): Promise<string | null> {
    const invoice = await call(() => stripe.invoices.retrieve(invoiceId, {}, callOptions(access)));
    return invoice.hosted_invoice_url ?? null;
  }

  return {
    name: "stripe",
    access,

    async retryInvoice({ invoiceExternalId, idempotencyKey }): Promise<ChargeResult> {
      try {
        const invoice = await call(() =>
          stripe.invoices.pay(invoiceExternalId, { off_session: true }, callOptions(access, stripeIdempotencyKey(`pay:${invoiceExternalId}:${idempotencyKey}`))),
        );
        if (invoice.status === "paid") {
          const latest = await latestInvoicePayment(access, invoiceExternalId).catch(() => null);
          return { outcome: "succeeded", providerRef: latest?.paymentIntentId ?? latest?.chargeId ?? invoice.id };
        }
        // Stripe answered without an error but the invoice is not paid (a payment still processing): not a
        // success, and not a decline to classify. Failing the action lets the scheduler look again later.
        throw new Error(`Stripe left invoice ${invoiceExternalId} ${invoice.status ?? "without a status"} after the payment attempt`);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) {
          const intent = error.payment_intent ?? null;
          if (AUTHENTICATION_CODES.has(error.code ?? "") || intent?.status === "requires_action") {
            return { outcome: "requires_action", providerRef: intent?.id ?? error.charge ?? null, hostedUrl: await hostedUrl(invoiceExternalId) };
          }
          return { outcome: "failed", providerRef: error.charge ?? intent?.id ?? null, decline: await declineOfCardError(access, invoiceExternalId, error) };
        }
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          // "Invoice is already paid" and the like: what counts is the invoice's state now.
          const invoice = await call(() => stripe.invoices.retrieve(invoiceExternalId, {}, callOptions(access)));
          if (invoice.status === "paid") return { outcome: "succeeded", providerRef: null };
        }
        throw error;
      }
    },

    async getInvoiceStatus({ invoiceExternalId }) {
      const invoice = await call(() => stripe.invoices.retrieve(invoiceExternalId, {}, callOptions(access)));
      return invoiceStatusOf(invoice.status);
    },

    async setDefaultPaymentMethod({ customerExternalId, paymentMethodRef, subscriptionExternalIds }) {
      await call(() =>
        stripe.customers.update(
          customerExternalId,
          { invoice_settings: { default_payment_method: paymentMethodRef } },
          callOptions(access, stripeIdempotencyKey(`default-pm:${customerExternalId}:${paymentMethodRef}`)),
        ),
      );
      for (const subscription of subscriptionExternalIds) {
        await call(() =>
          stripe.subscriptions.update(
            subscription,
            { default_payment_method: paymentMethodRef },
            callOptions(access, stripeIdempotencyKey(`default-pm:${subscription}:${paymentMethodRef}`)),
          ),
        );
      }
    },

    async applyFinalAction({ action, invoiceExternalId, subscriptionExternalId, idempotencyKey }) {
      const key = (what: string) => stripeIdempotencyKey(`final:${what}:${idempotencyKey}`);
      switch (action) {
        case "cancel":
          if (subscriptionExternalId) {
            const subscription = await call(() => stripe.subscriptions.retrieve(subscriptionExternalId, {}, callOptions(access)));
            if (subscription.status === "canceled" || subscription.status === "incomplete_expired") return;
            await call(() => stripe.subscriptions.cancel(subscriptionExternalId, {}, callOptions(access, key("cancel"))));
          }
          return;
        case "pause":
          if (subscriptionExternalId) {
            await call(() =>
              stripe.subscriptions.update(
                subscriptionExternalId,
                { pause_collection: { behavior: "keep_as_draft" } },
                callOptions(access, key("pause")),
              ),
            );
          }
          return;
        case "mark_uncollectible": {
          const invoice = await call(() => stripe.invoices.retrieve(invoiceExternalId, {}, callOptions(access)));
          if (invoice.status !== "open") return;
          await call(() => stripe.invoices.markUncollectible(invoiceExternalId, {}, callOptions(access, key("uncollectible"))));
          return;
        }
        case "leave_past_due":
          return;
      }
    },

    async startCardUpdate({ customerExternalId, idempotencyKey, metadata }) {
      const intent = await call(() =>
        stripe.setupIntents.create(
          { customer: customerExternalId, usage: "off_session", automatic_payment_methods: { enabled: true, allow_redirects: "never" }, metadata },
          callOptions(access, stripeIdempotencyKey(`setup:${idempotencyKey}`)),
        ),
      );
      if (!intent.client_secret) throw new Error("Stripe returned a SetupIntent without a client secret");
      return { setupIntentId: intent.id, clientSecret: intent.client_secret };
    },

    async confirmCardUpdate({ customerExternalId, setupIntentId }) {
      const intent = await call(() => stripe.setupIntents.retrieve(setupIntentId, { expand: ["payment_method"] }, callOptions(access)));
      if (idOf(intent.customer) !== customerExternalId) return { status: "failed", message: "This card setup belongs to another customer." };
      if (intent.status === "succeeded") {
        const method = typeof intent.payment_method === "object" ? intent.payment_method : null;
        const paymentMethodRef = idOf(intent.payment_method);
        if (!paymentMethodRef) return { status: "failed", message: "Stripe did not save a payment method." };
        const card = method?.card;
        const label = card ? `${card.display_brand ?? card.brand} ending in ${card.last4}` : "the new payment method";
        return { status: "succeeded", paymentMethodRef, label };
      }
      if (intent.status === "processing" || intent.status === "requires_action" || intent.status === "requires_confirmation") {
        return { status: "pending", message: "The bank is still confirming the card." };
      }
      return { status: "failed", message: intent.last_setup_error?.message ?? "The card could not be saved." };
    },
  };
}
