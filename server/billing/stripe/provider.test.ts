/**
 * The Stripe billing provider with the real `stripe` SDK against a local server that speaks Stripe's
 * API (server/testing/fake-stripe): retries by invoices.pay with idempotency keys, decline details
 * from the invoice's payments, the authentication fallback, default cards, final actions, card-update
 * SetupIntents, and Stripe's rate limits and errors.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStripe } from "@/server/testing/fake-stripe/server";
import { createStripeClient, withRateLimitRetries } from "./client";
import { createStripeProvider, latestInvoicePayment, stripeIdempotencyKey } from "./provider";

const fake = new FakeStripe();
let provider: ReturnType<typeof createStripeProvider>;
const ws = "ws_test";

beforeAll(async () => {
  await fake.start();
  provider = createStripeProvider({ stripe: createStripeClient({ apiKey: "rk_test_provider", apiUrl: fake.url }), stripeAccount: null });
});
afterAll(() => fake.stop());

/** A customer whose renewal failed with `card`, and the open invoice. */
function failedRenewal(card: string, amount = 4900) {
  const { customer, paymentMethod } = fake.addCustomer({ email: "ada@example.com", name: "Ada", card });
  const subscription = fake.addSubscription(customer.id as string, { amount });
  const { invoice, paid } = fake.renew(subscription.id as string);
  expect(paid).toBe(false);
  return { customer, paymentMethod: paymentMethod!, subscription, invoice };
}

describe("the Stripe provider", () => {
  it("reads the decline from the invoice's payments: the PaymentIntent's error and the charge's outcome", async () => {
    const { invoice } = failedRenewal("4000000000009995");
    const latest = await latestInvoicePayment({ stripe: createStripeClient({ apiKey: "rk_test_x", apiUrl: fake.url }), stripeAccount: null }, invoice.id as string);
    expect(latest.paymentIntentId).toMatch(/^pi_/);
    expect(latest.chargeId).toMatch(/^ch_/);
    expect(latest.decline).toEqual({
      code: "card_declined",
      declineCode: "insufficient_funds",
      adviceCode: "try_again_later",
      outcomeReason: "insufficient_funds",
      networkDeclineCode: "51",
      networkAdviceCode: "02",
      outcomeType: "issuer_declined",
      networkStatus: "declined_by_network",
      riskLevel: "normal",
      message: "The bank returned the decline code `insufficient_funds`.",
    });
    expect(await provider.getInvoiceStatus({ workspaceId: ws, invoiceExternalId: invoice.id as string })).toBe("open");
  });

  it("retries with invoices.pay under an idempotency key: a decline with its codes, then the same key answers the same", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    const first = await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: invoice.id as string, idempotencyKey: "act_1", at: new Date() });
    expect(first).toMatchObject({
      outcome: "failed",
      decline: { code: "card_declined", declineCode: "generic_decline", networkDeclineCode: "05", outcomeType: "issuer_declined", networkStatus: "declined_by_network" },
    });
    expect(first.providerRef).toMatch(/^ch_/);
    const again = await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: invoice.id as string, idempotencyKey: "act_1", at: new Date() });
    expect(again).toEqual(first);
    const pays = fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`));
    expect(pays.map((r) => r.idempotencyKey)).toEqual([stripeIdempotencyKey(`pay:${invoice.id as string}:act_1`), stripeIdempotencyKey(`pay:${invoice.id as string}:act_1`)]);
    // One charge for two calls: the second was Stripe's replay of the first.
    expect(fake.invoices.get(invoice.id as string)!.attempt_count).toBe(2);
  });

  it("charges the new default card after setDefaultPaymentMethod (customer and subscription), and reports the PaymentIntent", async () => {
    const { customer, subscription, invoice } = failedRenewal("4000000000000069");
    const card = fake.addCard(customer.id as string, "4242424242424242");
    await provider.setDefaultPaymentMethod({
      workspaceId: ws,
      customerExternalId: customer.id as string,
      paymentMethodRef: card.id as string,
      subscriptionExternalIds: [subscription.id as string],
    });
    expect((fake.customers.get(customer.id as string)!.invoice_settings as { default_payment_method: string }).default_payment_method).toBe(card.id);
    expect(fake.subscriptions.get(subscription.id as string)!.default_payment_method).toBe(card.id);
    const result = await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: invoice.id as string, idempotencyKey: "act_2", at: new Date() });
    expect(result.outcome).toBe("succeeded");
    expect(result.providerRef).toMatch(/^pi_/);
    expect(await provider.getInvoiceStatus({ workspaceId: ws, invoiceExternalId: invoice.id as string })).toBe("paid");
    // Paid since: another retry answers paid, without a charge of its own.
    expect(await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: invoice.id as string, idempotencyKey: "act_3", at: new Date() })).toEqual({
      outcome: "succeeded",
      providerRef: null,
    });
  });

  it("sends the customer to the invoice's hosted page when the bank asks for authentication", async () => {
    const { invoice } = failedRenewal("4000002760003184");
    const result = await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: invoice.id as string, idempotencyKey: "act_4", at: new Date() });
    expect(result).toMatchObject({ outcome: "requires_action", hostedUrl: invoice.hosted_invoice_url });
  });

  it("applies each final action on Stripe, once", async () => {
    const cancel = failedRenewal("4000000000000002");
    await provider.applyFinalAction({ workspaceId: ws, action: "cancel", invoiceExternalId: cancel.invoice.id as string, subscriptionExternalId: cancel.subscription.id as string, idempotencyKey: "fin_1" });
    await provider.applyFinalAction({ workspaceId: ws, action: "cancel", invoiceExternalId: cancel.invoice.id as string, subscriptionExternalId: cancel.subscription.id as string, idempotencyKey: "fin_1" });
    expect(fake.subscriptions.get(cancel.subscription.id as string)!.status).toBe("canceled");
    expect(fake.requestsTo("DELETE", new RegExp(`/v1/subscriptions/${cancel.subscription.id as string}$`))).toHaveLength(1);

    const pause = failedRenewal("4000000000000002");
    await provider.applyFinalAction({ workspaceId: ws, action: "pause", invoiceExternalId: pause.invoice.id as string, subscriptionExternalId: pause.subscription.id as string, idempotencyKey: "fin_2" });
    expect(fake.subscriptions.get(pause.subscription.id as string)!.pause_collection).toEqual({ behavior: "keep_as_draft", resumes_at: null });

    const uncollectible = failedRenewal("4000000000000002");
    await provider.applyFinalAction({ workspaceId: ws, action: "mark_uncollectible", invoiceExternalId: uncollectible.invoice.id as string, subscriptionExternalId: null, idempotencyKey: "fin_3" });
    await provider.applyFinalAction({ workspaceId: ws, action: "mark_uncollectible", invoiceExternalId: uncollectible.invoice.id as string, subscriptionExternalId: null, idempotencyKey: "fin_3" });
    expect(fake.invoices.get(uncollectible.invoice.id as string)!.status).toBe("uncollectible");

    const leave = failedRenewal("4000000000000002");
    const before = fake.requests.length;
    await provider.applyFinalAction({ workspaceId: ws, action: "leave_past_due", invoiceExternalId: leave.invoice.id as string, subscriptionExternalId: leave.subscription.id as string, idempotencyKey: "fin_4" });
    expect(fake.requests.length).toBe(before);
    expect(fake.subscriptions.get(leave.subscription.id as string)!.status).toBe("past_due");
  });

  it("starts a card update with a SetupIntent on the customer, and reads its outcome back from Stripe", async () => {
    const { customer } = failedRenewal("4000000000000002");
    const session = await provider.startCardUpdate({ customerExternalId: customer.id as string, idempotencyKey: "link_1:1", metadata: { reclaim_link_id: "link_1" } });
    expect(session.clientSecret).toMatch(/^seti_.+_secret_/);
    const created = fake.requestsTo("POST", /^\/v1\/setup_intents$/).at(-1)!;
    expect(created.body).toMatchObject({ customer: customer.id, usage: "off_session", automatic_payment_methods: { enabled: "true", allow_redirects: "never" }, metadata: { reclaim_link_id: "link_1" } });

    expect(await provider.confirmCardUpdate({ customerExternalId: customer.id as string, setupIntentId: session.setupIntentId })).toEqual({
      status: "failed",
      message: "The card could not be saved.",
    });
    fake.confirmSetupIntent(session.setupIntentId, "4242424242424242");
    const confirmed = await provider.confirmCardUpdate({ customerExternalId: customer.id as string, setupIntentId: session.setupIntentId });
    expect(confirmed).toMatchObject({ status: "succeeded", label: "visa ending in 4242" });
    // Another customer's SetupIntent is never taken for this one.
    const other = fake.addCustomer({ card: "4242424242424242" });
    expect(await provider.confirmCardUpdate({ customerExternalId: other.customer.id as string, setupIntentId: session.setupIntentId })).toMatchObject({ status: "failed" });
  });
});

describe("Stripe's rate limits and errors", () => {
  it("retries a 429 with backoff, and 500s through the SDK, keeping the idempotency key; the call then succeeds", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    const id = invoice.id as string;
    fake.failNext(2, 429, new RegExp(`/v1/invoices/${id}$`));
    expect(await provider.getInvoiceStatus({ workspaceId: ws, invoiceExternalId: id })).toBe("open");
    fake.failNext(1, 500, new RegExp(`/v1/invoices/${id}/pay$`));
    const result = await provider.retryInvoice({ workspaceId: ws, invoiceExternalId: id, idempotencyKey: "act_5", at: new Date() });
    expect(result.outcome).toBe("failed");
    const keys = new Set(fake.requestsTo("POST", new RegExp(`/v1/invoices/${id}/pay$`)).map((r) => r.idempotencyKey));
    expect(keys).toEqual(new Set([stripeIdempotencyKey(`pay:${id}:act_5`)]));
    expect(fake.invoices.get(id)!.attempt_count).toBe(2);
  });

  it("never reports a failed call as a success: persistent errors reach the caller", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    const id = invoice.id as string;
    fake.failNext(10, 500, new RegExp(`/v1/invoices/${id}/pay$`));
    await expect(provider.retryInvoice({ workspaceId: ws, invoiceExternalId: id, idempotencyKey: "act_6", at: new Date() })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    fake.failNext(10, 429, new RegExp(`/v1/invoices/${id}$`));
    await expect(withRateLimitRetries(() => fake.client().invoices.retrieve(id), { sleep: async () => {} })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(fake.invoices.get(id)!.attempt_count).toBe(1);
  });
});
