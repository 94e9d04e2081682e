import type { Db } from "@/server/db/client";
import type { InvoiceStatus } from "@/server/db/schema";
import type { Clock } from "./clock";
import type { DeclineInput } from "./decline";
import type { FinalAction, Tone } from "./policy";

/**
 * What the recovery domain needs from the outside world. The domain imports no
 * framework or vendor SDK: Stripe, the sandbox, Resend and the outbox plug in
 * behind these interfaces, and tests hand in fakes and a virtual clock.
 */

export type ChargeResult =
  | { outcome: "succeeded"; providerRef: string | null }
  | { outcome: "failed"; providerRef: string | null; decline: DeclineInput }
  | { outcome: "requires_action"; providerRef: string | null; hostedUrl: string | null };

export interface BillingProvider {
  readonly name: "sandbox" | "stripe";
  /** Charge an open invoice again with the customer's default payment method. The same key never charges twice. */
  retryInvoice(args: { workspaceId: string; invoiceExternalId: string; idempotencyKey: string; at: Date }): Promise<ChargeResult>;
  /** The invoice's current status at the provider (re-read before acting when order matters). */
  getInvoiceStatus(args: { workspaceId: string; invoiceExternalId: string }): Promise<InvoiceStatus>;
  /** Makes a payment method the default of the customer and of the given subscriptions. */
  setDefaultPaymentMethod(args: {
    workspaceId: string;
    customerExternalId: string;
    paymentMethodRef: string;
    subscriptionExternalIds: string[];
  }): Promise<void>;
  /** The end of the dunning window, as the policy says. */
  applyFinalAction(args: {
    workspaceId: string;
    action: FinalAction;
    invoiceExternalId: string;
    subscriptionExternalId: string | null;
    idempotencyKey: string;
  }): Promise<void>;
  /**
   * A dunning email reached the customer. The sandbox's simulated customers
   * decide here, by its seeded model, whether and when they open it, click its
   * link and put a new card on file. Real providers leave it out.
   */
  emailDelivered?(email: DeliveredEmail): Promise<void>;
}

export type DeliveredEmail = {
  workspaceId: string;
  customerId: string;
  threadId: string;
  /** The outbox message. */
  messageId: string;
  /** The card-update link the email carries. */
  linkId: string;
  sentAt: Date;
  step: { index: number; total: number; tone: Tone };
  declineCategory: string;
};

export type MoneyLine = { invoiceNumber: string; amount: number; currency: string };

export type DunningEmail = {
  workspaceId: string;
  /** The customer's dunning thread: opens and clicks of this email land on its timeline. */
  threadId: string;
  /** The mode of the thread's cases (live or sandbox), recorded on the outbox row for the reports. */
  livemode: boolean;
  /** When it goes out, on the workspace's clock (a sandbox's test clock): the day the reports count it on. */
  sentAt: Date;
  /** Same key, same email: a re-run action sends nothing new. */
  idempotencyKey: string;
  to: string;
  customerName: string | null;
  locale: string;
  timezone: string;
  step: { day: number; tone: Tone; subject: string; body: string; index: number; total: number };
  reason: { category: string; kind: string; customerReason: string };
  invoices: MoneyLine[];
  updateUrl: string;
  /** When the subscription will be acted on if nothing changes. */
  finalActionAt: Date;
  finalAction: FinalAction;
};

export type ReceiptEmail = {
  workspaceId: string;
  idempotencyKey: string;
  to: string;
  customerName: string | null;
  locale: string;
  timezone: string;
  paidAt: Date;
  invoices: MoneyLine[];
  paymentMethodLabel: string | null;
};

/** Sends the customer-facing messages (branded, rendered, recorded in the outbox). */
export interface Notifier {
  /** Returns the subject as sent (placeholders filled), for the timeline. */
  sendDunningEmail(email: DunningEmail): Promise<{ messageId: string; duplicate: boolean; subject?: string }>;
  sendReceipt(email: ReceiptEmail): Promise<{ messageId: string; duplicate: boolean }>;
}

export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Tells an event-driven scheduler (Inngest) that a thread's plan changed. The local driver polls and needs nothing. */
export interface SchedulerHooks {
  threadPlanned(args: { workspaceId: string; threadId: string }): Promise<void>;
  threadClosed(args: { workspaceId: string; threadId: string }): Promise<void>;
}

export const noSchedulerHooks: SchedulerHooks = { async threadPlanned() {}, async threadClosed() {} };

export type RecoveryDeps = {
  db: Db;
  /** Real (or virtual) time. Sandbox workspaces read their own test clock, see `workspaceNow`. */
  clock: Clock;
  billing: (workspaceId: string) => Promise<BillingProvider>;
  notifier: Notifier;
  logger: Logger;
  hooks: SchedulerHooks;
  /** Public address of the hosted pages, for card-update links. */
  appUrl: string;
};
