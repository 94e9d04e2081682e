import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { behaviourOf } from "@/server/billing/sandbox/test-cards";
import fixtures from "./fixtures.json";

/**
 * A local HTTP server that speaks the part of Stripe's API Reclaim uses (API version
 * 2026-10-28.endive, the one stripe@23 is pinned to), for tests: the real `stripe` SDK is pointed at
 * it with its host/port/protocol options. It keeps customers, payment methods, subscriptions,
 * invoices with their payments, PaymentIntents, charges and SetupIntents in memory; charges cards
 * by Stripe's test-card numbers (the same table as the sandbox, server/billing/sandbox/test-cards.ts);
 * answers declines with HTTP 402 card errors shaped as Stripe's; honours Idempotency-Key (the same
 * key replays the first answer, another body under it is an idempotency error); and can be told to
 * answer 429 or 500, or to refuse a permission. It also makes events shaped as Stripe's and signs
 * them as Stripe does, to be delivered to the webhook route.
 *
 * Objects start from Stripe's official example objects (./fixtures.json: Stripe's openapi
 * repository, fixtures3.json, MIT licence) with every field a scenario reads set to a real value.
 */

type Json = Record<string, unknown>;
type Fault = { status: 429 | 500 | 503; remaining: number; path: RegExp };

export type FakeRequest = { method: string; path: string; query: Json; body: Json; idempotencyKey: string | null; stripeAccount: string | null; apiKey: string };

const clone = <T>(value: T): T => structuredClone(value);
const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;

/** Parses Stripe's form encoding (`a[b][0]=c`) into nested objects and arrays. */
export function parseStripeForm(text: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      if (Array.isArray(node)) {
        const index = Number(key);
        if (last) node[index] = value;
        else node = (node[index] ??= nextIsIndex ? [] : {}) as Record<string, unknown> | unknown[];
      } else {
        if (last) node[key] = value;
        else node = (node[key] ??= nextIsIndex ? [] : {}) as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: Json,
  ) {
    super(String(error.message ?? "error"));
  }
}

const notFound = (what: string, id: string) =>
  new StripeHttpError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'`, param: "id" });

/** The decline Stripe gives for a test card's failure code: the error's code, decline code, advice and network codes, and the charge's outcome. */
function declineFor(failsWith: string) {
  const ownCode = ["expired_card", "incorrect_cvc", "processing_error", "incorrect_number", "authentication_required"].includes(failsWith);
  const advice: Record<string, string> = {
    insufficient_funds: "try_again_later",
    card_velocity_exceeded: "try_again_later",
    processing_error: "try_again_later",
    lost_card: "do_not_try_again",
    stolen_card: "do_not_try_again",
    fraudulent: "do_not_try_again",
    expired_card: "confirm_card_data",
  };
  const network: Record<string, string> = { insufficient_funds: "51", lost_card: "41", stolen_card: "43", expired_card: "54", generic_decline: "05" };
  // The network's own retry advice (Mastercard's merchant advice codes, as Stripe passes them on).
  const networkAdvice: Record<string, string> = { insufficient_funds: "02", expired_card: "01", lost_card: "03", stolen_card: "03" };
  return {
    code: ownCode ? failsWith : "card_declined",
    decline_code: failsWith,
    advice_code: advice[failsWith] ?? null,
    network_decline_code: network[failsWith] ?? null,
    outcome: {
      type: failsWith === "stolen_card" || failsWith === "lost_card" ? "blocked" : "issuer_declined",
      reason: failsWith,
      risk_level: "normal",
      advice_code: advice[failsWith] ?? null,
      network_advice_code: networkAdvice[failsWith] ?? null,
      network_decline_code: network[failsWith] ?? null,
      network_status: "declined_by_network",
      seller_message:
        failsWith === "generic_decline" ? "The bank did not return any further details with this decline." : `The bank returned the decline code \`${failsWith}\`.`,
    },
  };
}

export type FakeStripeOptions = {
  /** Keys the server accepts (any other is a 401). Default: every key starting with sk_ or rk_. */
  apiKeys?: string[];
  /** The account `GET /v1/account` answers with; null: that call is refused (a restricted key without the permission). */
  account?: { id: string; name: string } | null;
  livemode?: boolean;
};

export class FakeStripe {
  readonly customers = new Map<string, Json>();
  readonly paymentMethods = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  readonly invoicePayments = new Map<string, Json>();
  readonly paymentIntents = new Map<string, Json>();
  readonly charges = new Map<string, Json>();
  readonly setupIntents = new Map<string, Json>();
  /** Every request, in order. */
  readonly requests: FakeRequest[] = [];
  /** Card numbers behind payment method ids. */
  private readonly cardNumbers = new Map<string, string>();
  private readonly idempotent = new Map<string, { body: string; status: number; response: Json }>();
  private faults: Fault[] = [];
  private denied: { resource: RegExp; permission: string }[] = [];
  private server: http.Server | null = null;
  private readonly livemode: boolean;
  url = "";

  constructor(private readonly options: FakeStripeOptions = {}) {
    this.livemode = options.livemode ?? false;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** A client of the real SDK pointed at this server. */
  client(apiKey = "rk_test_reclaim"): Stripe {
    const u = new URL(this.url);
    return new Stripe(apiKey, { host: u.hostname, port: u.port, protocol: "http", maxNetworkRetries: 2, telemetry: false });
  }

  // -------------------------------------------------------------------------------------------
  // Faults

  /** The next `count` requests whose path matches answer `status` (429: rate limited; 5xx: Stripe's error). */
  failNext(count: number, status: 429 | 500 | 503, path: RegExp = /./): void {
    this.faults.push({ status, remaining: count, path });
  }

  /** Forgets the faults not used up yet. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Requests to paths matching `resource` are refused with 403, as for a restricted key without that permission. */
  deny(resource: RegExp, permission: string): void {
    this.denied.push({ resource, permission });
  }

  requestsTo(method: string, path: RegExp): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  // -------------------------------------------------------------------------------------------
  // Scenario helpers (what happens at Stripe outside Reclaim)

  /** A customer with a card on file (by test-card number) as their invoices' default. */
  addCustomer(args: { email?: string | null; name?: string | null; card?: string } = {}): { customer: Json; paymentMethod: Json | null } {
    const customer = clone(fixtures.customer) as Json;
    Object.assign(customer, { id: newId("cus"), email: args.email ?? null, name: args.name ?? null, created: now(), livemode: this.livemode, discount: null });
    this.customers.set(customer.id as string, customer);
    const paymentMethod = args.card ? this.addCard(customer.id as string, args.card) : null;
    if (paymentMethod) (customer.invoice_settings as Json).default_payment_method = paymentMethod.id;
    return { customer, paymentMethod };
  }

  /** A card payment method attached to the customer. */
  addCard(customerId: string, number: string): Json {
    const { brand } = behaviourOf(number);
    const method = clone(fixtures.payment_method) as Json;
    const card = method.card as Json;
    Object.assign(card, { brand, display_brand: brand, last4: number.slice(-4), exp_month: 12, exp_year: 2031, fingerprint: crypto.createHash("sha1").update(number).digest("hex").slice(0, 16) });
    Object.assign(method, { id: newId("pm"), customer: customerId, created: now(), livemode: this.livemode, metadata: {} });
    this.paymentMethods.set(method.id as string, method);
    this.cardNumbers.set(method.id as string, number);
    return method;
  }

  /** A monthly subscription of the customer. */
  addSubscription(customerId: string, args: { amount: number; currency?: string; name?: string }): Json {
    const subscription = clone(fixtures.subscription) as Json;
    const item = (subscription.items as { data: Json[] }).data[0]!;
    Object.assign(item.price as Json, { unit_amount: args.amount, currency: args.currency ?? "usd", nickname: args.name ?? "Growth" });
    Object.assign(subscription, {
      id: newId("sub"),
      customer: customerId,
      status: "active",
      currency: args.currency ?? "usd",
      default_payment_method: null,
      pause_collection: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      latest_invoice: null,
      livemode: this.livemode,
      created: now(),
    });
    this.subscriptions.set(subscription.id as string, subscription);
    return subscription;
  }

  /**
   * A renewal invoice for the subscription, charged at once with the card on file: paid, or open with
   * the failed PaymentIntent and charge recorded in its payments (what Stripe does on a failed renewal).
   */
  renew(subscriptionId: string): { invoice: Json; paid: boolean } {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`no subscription ${subscriptionId}`);
    const item = (subscription.items as { data: Json[] }).data[0]!;
    const price = item.price as Json;
    const invoice = clone(fixtures.invoice) as Json;
    const id = newId("in");
    Object.assign(invoice, {
      id,
      status: "open",
      customer: subscription.customer,
      customer_email: this.customers.get(subscription.customer as string)?.email ?? null,
      customer_name: this.customers.get(subscription.customer as string)?.name ?? null,
      amount_due: price.unit_amount,
      amount_remaining: price.unit_amount,
      amount_paid: 0,
      total: price.unit_amount,
      subtotal: price.unit_amount,
      currency: price.currency,
      number: `INV-${String(this.invoices.size + 1).padStart(4, "0")}`,
      hosted_invoice_url: `https://invoice.stripe.test/i/${id}`,
      invoice_pdf: null,
      attempt_count: 0,
      attempted: false,
      next_payment_attempt: null,
      collection_method: "charge_automatically",
      billing_reason: "subscription_cycle",
      due_date: null,
      created: now(),
      livemode: this.livemode,
      parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: null, subscription: subscriptionId } },
      status_transitions: { finalized_at: now(), marked_uncollectible_at: null, paid_at: null, voided_at: null },
      default_payment_method: null,
      last_finalization_error: null,
      auto_advance: true,
    });
    delete invoice.subscription;
    this.invoices.set(id, invoice);
    subscription.latest_invoice = id;
    const charged = this.chargeInvoice(id, null);
    if (!charged.paid) subscription.status = "past_due";
    return { invoice, paid: charged.paid };
  }

  /** Stripe's own retry (Smart Retries) of an open invoice with the card on file now. */
  smartRetry(invoiceId: string): { invoice: Json; paid: boolean } {
    const charged = this.chargeInvoice(invoiceId, null);
    return { invoice: this.invoices.get(invoiceId)!, paid: charged.paid };
  }

  /** The customer's bank card replaced by the network (card account updater): same id, a new number. */
  updateCardAutomatically(paymentMethodId: string, newNumber: string): Json {
    const method = this.paymentMethods.get(paymentMethodId)!;
    (method.card as Json).last4 = newNumber.slice(-4);
    (method.card as Json).exp_year = 2033;
    this.cardNumbers.set(paymentMethodId, newNumber);
    return method;
  }

  /** What the browser's `stripe.confirmSetup` does with a card number: the SetupIntent succeeds (saving the card) or fails. */
  confirmSetupIntent(setupIntentId: string, number: string): Json {
    const intent = this.setupIntents.get(setupIntentId);
    if (!intent) throw new Error(`no SetupIntent ${setupIntentId}`);
    const { failsWith } = behaviourOf(number);
    // A card that declines charges still attaches in a SetupIntent (4000…0341), like Stripe's; only these fail to save.
    if (failsWith && ["incorrect_cvc", "incorrect_number", "expired_card", "stolen_card", "lost_card"].includes(failsWith)) {
      const decline = declineFor(failsWith);
      Object.assign(intent, { status: "requires_payment_method", last_setup_error: { type: "card_error", code: decline.code, decline_code: failsWith, message: "Your card was declined." } });
      return intent;
    }
    const method = this.addCard(intent.customer as string, number);
    Object.assign(intent, { status: "succeeded", payment_method: method.id, last_setup_error: null });
    return intent;
  }

  // -------------------------------------------------------------------------------------------
  // Events

  /** An event shaped as Stripe sends it (API version 2026-10-28.endive), for the webhook route. */
  event(type: string, object: Json, extra: { account?: string; previous_attributes?: Json; idempotencyKey?: string | null; livemode?: boolean; id?: string } = {}): Json {
    const event = clone(fixtures.event) as Json;
    Object.assign(event, {
      id: extra.id ?? newId("evt"),
      type,
      api_version: "2026-10-28.endive",
      created: now(),
      livemode: extra.livemode ?? this.livemode,
      pending_webhooks: 1,
      request: { id: extra.idempotencyKey ? newId("req") : null, idempotency_key: extra.idempotencyKey ?? null },
      data: { object: clone(object), ...(extra.previous_attributes ? { previous_attributes: extra.previous_attributes } : {}) },
    });
    if (extra.account) event.account = extra.account;
    return event;
  }

  /** The body and Stripe-Signature header of a delivery of `event`, signed with `secret` (at `timestamp`, unix seconds). */
  static sign(event: Json, secret: string, timestamp?: number): { body: string; signature: string } {
    const body = JSON.stringify(event);
    return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(timestamp ? { timestamp } : {}) }) };
  }

  // -------------------------------------------------------------------------------------------
  // Charging

  /** Charges an open invoice with `paymentMethodId` or the default one: a PaymentIntent, a charge and an invoice payment. */
  private chargeInvoice(invoiceId: string, paymentMethodId: string | null): { paid: boolean; failsWith: string | null; intent: Json; charge: Json } {
    const invoice = this.invoices.get(invoiceId)!;
    const customer = this.customers.get(invoice.customer as string)!;
    const subscriptionId = ((invoice.parent as Json | null)?.subscription_details as Json | null)?.subscription as string | undefined;
    const subscription = subscriptionId ? this.subscriptions.get(subscriptionId) : undefined;
    const methodId =
      paymentMethodId ??
      (subscription?.default_payment_method as string | null) ??
      ((customer.invoice_settings as Json).default_payment_method as string | null) ??
      null;
    const number = methodId ? this.cardNumbers.get(methodId) : undefined;
    const failsWith = number ? behaviourOf(number).failsWith : "card_declined_no_payment_method";
    const decline = failsWith && failsWith !== "authentication_required" ? declineFor(failsWith === "card_declined_no_payment_method" ? "generic_decline" : failsWith) : null;
    const requiresAction = failsWith === "authentication_required";
    invoice.attempt_count = (invoice.attempt_count as number) + 1;
    invoice.attempted = true;

    const charge = clone(fixtures.charge) as Json;
    Object.assign(charge, {
      id: newId("ch"),
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      customer: customer.id,
      status: failsWith ? "failed" : "succeeded",
      paid: !failsWith,
      captured: !failsWith,
      failure_code: decline?.code ?? (requiresAction ? "authentication_required" : null),
      failure_message: decline ? "Your card was declined." : null,
      outcome: decline ? decline.outcome : { type: "authorized", reason: null, risk_level: "normal", advice_code: null, network_advice_code: null, network_decline_code: null, network_status: "approved_by_network", seller_message: "Payment complete." },
      payment_method: methodId,
      created: now(),
      livemode: this.livemode,
    });
    const intent = clone(fixtures.payment_intent) as Json;
    Object.assign(intent, {
      id: newId("pi"),
      amount: invoice.amount_remaining,
      amount_received: failsWith ? 0 : invoice.amount_remaining,
      currency: invoice.currency,
      customer: customer.id,
      payment_method: methodId,
      status: requiresAction ? "requires_action" : failsWith ? "requires_payment_method" : "succeeded",
      latest_charge: charge.id,
      last_payment_error: decline
        ? { type: "card_error", code: decline.code, decline_code: decline.decline_code, advice_code: decline.advice_code ?? undefined, network_decline_code: decline.network_decline_code ?? undefined, message: "Your card was declined.", charge: charge.id }
        : requiresAction
          ? { type: "card_error", code: "authentication_required", decline_code: "authentication_required", message: "Your card was declined. This transaction requires authentication." }
          : null,
      next_action: requiresAction ? { type: "use_stripe_sdk" } : null,
      allowed_payment_method_types: null,
      payment_record: null,
      created: now(),
      livemode: this.livemode,
    });
    charge.payment_intent = intent.id;
    this.charges.set(charge.id as string, charge);
    this.paymentIntents.set(intent.id as string, intent);
    const payment = clone(fixtures.invoice_payment) as Json;
    Object.assign(payment, {
      id: newId("inpay"),
      invoice: invoiceId,
      amount_requested: invoice.amount_remaining,
      amount_paid: failsWith ? null : invoice.amount_remaining,
      currency: invoice.currency,
      created: now() + this.invoicePayments.size / 1000,
      is_default: true,
      livemode: this.livemode,
      payment: { type: "payment_intent", payment_intent: intent.id },
      status: failsWith ? "open" : "paid",
      status_transitions: { canceled_at: null, paid_at: failsWith ? null : now() },
    });
    this.invoicePayments.set(payment.id as string, payment);
    if (!failsWith) {
      Object.assign(invoice, { status: "paid", amount_paid: invoice.amount_remaining, amount_remaining: 0, next_payment_attempt: null });
      (invoice.status_transitions as Json).paid_at = now();
      if (subscription && subscription.status === "past_due") subscription.status = "active";
    }
    return { paid: !failsWith, failsWith, intent, charge };
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const apiKey = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const request: FakeRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: parseStripeForm(url.search.slice(1)),
      body: parseStripeForm(raw),
      idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
      stripeAccount: (req.headers["stripe-account"] as string | undefined) ?? null,
      apiKey,
    };
    this.requests.push(request);
    const send = (status: number, body: Json, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...headers });
      res.end(JSON.stringify(body));
    };
    if (request.path.startsWith("/_fake/")) {
      try {
        return send(200, this.route(request));
      } catch (error) {
        return send(400, { error: { message: error instanceof Error ? error.message : String(error) } });
      }
    }
    if (request.path === "/oauth/authorize" && request.method === "GET") {
      try {
        this.route(request);
      } catch (error) {
        if (error instanceof StripeHttpError && error.status === 302) {
          res.writeHead(302, { location: String(error.error.location) });
          return void res.end();
        }
        if (!(error instanceof StripeHttpError)) throw error;
      }
    }
    const fault = this.faults.find((f) => f.remaining > 0 && f.path.test(request.path));
    if (fault) {
      fault.remaining--;
      if (fault.status === 429) return send(429, { error: { type: "invalid_request_error", code: "rate_limit", message: "Too many requests hit the API too quickly." } }, { "retry-after": "0" });
      return send(fault.status, { error: { type: "api_error", message: "An unknown error occurred." } });
    }
    if (this.options.apiKeys ? !this.options.apiKeys.includes(apiKey) : !/^(sk|rk)_(test|live)_/.test(apiKey)) {
      return send(401, { error: { type: "invalid_request_error", message: `Invalid API Key provided: ${apiKey.slice(0, 8)}***` } });
    }
    const denied = this.denied.find((d) => d.resource.test(request.path));
    if (denied) {
      return send(403, { error: { type: "invalid_request_error", code: "secret_key_required", message: `The provided key does not have the required permissions for this endpoint. Having the '${denied.permission}' permission would allow this request to continue.` } });
    }
    // Idempotency: the same key replays the first answer; another request under it is refused.
    const replayKey = request.method === "POST" && request.idempotencyKey ? `${request.stripeAccount ?? ""}:${request.idempotencyKey}` : null;
    if (replayKey) {
      const seen = this.idempotent.get(replayKey);
      if (seen) {
        if (seen.body !== `${request.path}?${raw}`) {
          return send(400, { error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." } });
        }
        return send(seen.status, seen.response, { "idempotent-replayed": "true" });
      }
    }
    let status = 200;
    let response: Json;
    try {
      response = this.route(request);
    } catch (error) {
      if (!(error instanceof StripeHttpError)) {
        // A bug of the fake itself, or a request it does not understand: an answer, not a crash of the server.
        return send(500, { error: { type: "api_error", message: error instanceof Error ? error.message : String(error) } });
      }
      status = error.status;
      // OAuth errors are top level ({ error: "invalid_grant", error_description }), API errors under `error`.
      response = request.path.startsWith("/oauth/") ? error.error : { error: error.error };
    }
    if (replayKey && status < 500) this.idempotent.set(replayKey, { body: `${request.path}?${raw}`, status, response });
    send(status, response);
  }

  private list(items: Json[], query: Json, url: string): Json {
    const limit = Math.min(100, Number(query.limit ?? 10));
    let start = 0;
    if (typeof query.starting_after === "string") start = items.findIndex((i) => i.id === query.starting_after) + 1;
    const page = items.slice(start, start + limit);
    return { object: "list", data: page, has_more: start + limit < items.length, url };
  }

  private expandPaths(query: Json, body: Json): string[] {
    const expand = (query.expand ?? body.expand ?? []) as string[] | Json;
    return Array.isArray(expand) ? expand : Object.values(expand).map(String);
  }

  private route(r: FakeRequest): Json {
    const parts = r.path.split("/").filter(Boolean);
    const [v, resource, id, action] = parts;
    if (r.path === "/_fake/health") return { ok: true };
    if (r.path === "/_fake/failed-renewal" && r.method === "POST") {
      // For end-to-end tests driving a separate app process: a customer whose renewal just failed, and Stripe's event for it.
      const { customer } = this.addCustomer({ email: String(r.body.email ?? "customer@example.com"), name: String(r.body.name ?? "Ada Lovelace"), card: String(r.body.card ?? "4000000000009995") });
      const subscription = this.addSubscription(customer.id as string, { amount: Number(r.body.amount ?? 4900), currency: String(r.body.currency ?? "usd") });
      const { invoice } = this.renew(subscription.id as string);
      return { invoice, event: this.event("invoice.payment_failed", invoice) };
    }
    if (r.path === "/oauth/authorize" && r.method === "GET") {
      // Stripe's authorize page, as if the merchant signed in and allowed the platform: back to the redirect URI with a code.
      const back = new URL(String(r.query.redirect_uri));
      back.searchParams.set("code", "ac_valid");
      back.searchParams.set("state", String(r.query.state));
      throw new StripeHttpError(302, { location: back.toString() });
    }
    if (r.path === "/oauth/token" && r.method === "POST") {
      if (r.body.code !== "ac_valid") throw new StripeHttpError(400, { error: "invalid_grant", error_description: "Authorization code does not exist: " + String(r.body.code) });
      return { access_token: "sk_test_oauth_token", livemode: this.livemode, refresh_token: "rt_test", scope: "read_write", stripe_publishable_key: "pk_test_connected", stripe_user_id: this.options.account?.id ?? "acct_connected", token_type: "bearer" };
    }
    if (r.path === "/oauth/deauthorize" && r.method === "POST") return { stripe_user_id: String(r.body.stripe_user_id) };
    if (v !== "v1" || !resource) throw new StripeHttpError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${r.method}: ${r.path}).` });

    switch (resource) {
      case "accounts":
      case "account": {
        if (!this.options.account) {
          throw new StripeHttpError(403, { type: "invalid_request_error", message: "The provided key does not have the required permissions for this endpoint. Having the 'rak_accounts_kyc_basic_read' permission would allow this request to continue." });
        }
        const account = clone(fixtures.account) as Json;
        Object.assign(account, { id: resource === "accounts" && id ? id : this.options.account.id, settings: { ...(account.settings as Json), dashboard: { display_name: this.options.account.name, timezone: "Etc/UTC" } } });
        return account;
      }
      case "invoices": {
        if (!id) {
          let items = [...this.invoices.values()];
          if (typeof r.query.status === "string") items = items.filter((i) => i.status === r.query.status);
          if (typeof r.query.customer === "string") items = items.filter((i) => i.customer === r.query.customer);
          if (typeof r.query.collection_method === "string") items = items.filter((i) => i.collection_method === r.query.collection_method);
          return this.list(items, r.query, "/v1/invoices");
        }
        const invoice = this.invoices.get(id);
        if (!invoice) throw notFound("invoice", id);
        if (!action) return invoice;
        if (action === "pay" && r.method === "POST") {
          if (invoice.status === "paid") throw new StripeHttpError(400, { type: "invalid_request_error", code: "invoice_already_paid", message: "Invoice is already paid" });
          if (invoice.status !== "open") throw new StripeHttpError(400, { type: "invalid_request_error", code: "invoice_not_open", message: `You can only pay an open invoice. This invoice is ${String(invoice.status)}.` });
          const charged = this.chargeInvoice(id, typeof r.body.payment_method === "string" ? r.body.payment_method : null);
          if (charged.paid) return invoice;
          const lastError = charged.intent.last_payment_error as Json;
          throw new StripeHttpError(402, { ...lastError, type: "card_error", charge: charged.charge.id, payment_intent: charged.intent });
        }
        if (action === "mark_uncollectible" && r.method === "POST") {
          if (invoice.status !== "open") throw new StripeHttpError(400, { type: "invalid_request_error", message: "Only open invoices can be marked uncollectible." });
          invoice.status = "uncollectible";
          (invoice.status_transitions as Json).marked_uncollectible_at = now();
          return invoice;
        }
        if (action === "void" && r.method === "POST") {
          invoice.status = "void";
          return invoice;
        }
        break;
      }
      case "invoice_payments": {
        let items = [...this.invoicePayments.values()];
        if (typeof r.query.invoice === "string") items = items.filter((p) => p.invoice === r.query.invoice);
        const expand = this.expandPaths(r.query, r.body);
        const data = items.map((p) => {
          const out = clone(p);
          if (expand.some((e) => e.startsWith("data.payment.payment_intent"))) {
            const payment = out.payment as Json;
            const intent = clone(this.paymentIntents.get(payment.payment_intent as string) ?? null);
            if (intent && expand.includes("data.payment.payment_intent.latest_charge")) intent.latest_charge = clone(this.charges.get(intent.latest_charge as string) ?? null);
            payment.payment_intent = intent;
          }
          return out;
        });
        return this.list(data, r.query, "/v1/invoice_payments");
      }
      case "customers": {
        if (!id) return this.list([...this.customers.values()], r.query, "/v1/customers");
        const customer = this.customers.get(id);
        if (!customer) throw notFound("customer", id);
        if (r.method === "POST") {
          const settings = (r.body.invoice_settings ?? {}) as Json;
          if (typeof settings.default_payment_method === "string") {
            const method = this.paymentMethods.get(settings.default_payment_method);
            if (!method || method.customer !== id) {
              throw new StripeHttpError(400, { type: "invalid_request_error", message: `No such PaymentMethod: '${settings.default_payment_method}'`, param: "invoice_settings[default_payment_method]" });
            }
            (customer.invoice_settings as Json).default_payment_method = settings.default_payment_method;
          }
        }
        return customer;
      }
      case "subscriptions": {
        if (!id) return this.list([...this.subscriptions.values()], r.query, "/v1/subscriptions");
        const subscription = this.subscriptions.get(id);
        if (!subscription) throw notFound("subscription", id);
        if (r.method === "DELETE") {
          Object.assign(subscription, { status: "canceled", canceled_at: now(), ended_at: now() });
          return subscription;
        }
        if (r.method === "POST") {
          if (typeof r.body.default_payment_method === "string") subscription.default_payment_method = r.body.default_payment_method;
          if (r.body.pause_collection !== undefined) subscription.pause_collection = r.body.pause_collection === "" ? null : { behavior: (r.body.pause_collection as Json).behavior, resumes_at: null };
        }
        return subscription;
      }
      case "payment_methods": {
        if (!id) return this.list([...this.paymentMethods.values()], r.query, "/v1/payment_methods");
        const method = this.paymentMethods.get(id);
        if (!method) throw notFound("payment_method", id);
        return method;
      }
      case "setup_intents": {
        if (!id && r.method === "GET") return this.list([...this.setupIntents.values()], r.query, "/v1/setup_intents");
        if (!id && r.method === "POST") {
          if (typeof r.body.customer !== "string" || !this.customers.has(r.body.customer)) throw notFound("customer", String(r.body.customer));
          const intent = clone(fixtures.setup_intent) as Json;
          const setupId = newId("seti");
          Object.assign(intent, {
            id: setupId,
            client_secret: `${setupId}_secret_${crypto.randomBytes(8).toString("hex")}`,
            customer: r.body.customer,
            usage: r.body.usage ?? "off_session",
            status: "requires_payment_method",
            payment_method: null,
            last_setup_error: null,
            next_action: null,
            metadata: (r.body.metadata as Json) ?? {},
            automatic_payment_methods: { enabled: true, allow_redirects: (r.body.automatic_payment_methods as Json | undefined)?.allow_redirects ?? "always" },
            allowed_payment_method_types: null,
            created: now(),
            livemode: this.livemode,
          });
          this.setupIntents.set(setupId, intent);
          return intent;
        }
        const intent = this.setupIntents.get(id!);
        if (!intent) throw notFound("setup_intent", id!);
        const out = clone(intent);
        if (this.expandPaths(r.query, r.body).includes("payment_method") && typeof out.payment_method === "string") {
          out.payment_method = clone(this.paymentMethods.get(out.payment_method) ?? null);
        }
        return out;
      }
      case "payment_intents":
        if (!id) return this.list([...this.paymentIntents.values()], r.query, "/v1/payment_intents");
        return this.paymentIntents.get(id) ?? (() => { throw notFound("payment_intent", id); })();
      case "charges":
        if (!id) return this.list([...this.charges.values()], r.query, "/v1/charges");
        return this.charges.get(id) ?? (() => { throw notFound("charge", id); })();
    }
    throw new StripeHttpError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${r.method}: ${r.path}).` });
  }
}
