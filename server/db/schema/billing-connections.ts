import { sql } from "drizzle-orm";
import { boolean, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

export const connectionMethods = ["oauth", "api_key"] as const;
export const connectionMethod = pgEnum("connection_method", connectionMethods);
export type ConnectionMethod = (typeof connectionMethods)[number];

export const connectionStatuses = ["active", "disconnected"] as const;
export const connectionStatus = pgEnum("connection_status", connectionStatuses);
export type ConnectionStatus = (typeof connectionStatuses)[number];

/**
 * A workspace's connection to its billing provider's account (Stripe): how it was made, the account,
 * the secrets (sealed with server/security/secrets.ts: never stored or sent to a browser in the
 * clear), and the health figures the Integrations page shows. One per workspace: connecting again
 * replaces the secrets on the same row.
 */
export const billingConnections = pgTable(
  "billing_connections",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["stripe"] }).notNull().default("stripe"),
    method: connectionMethod("method").notNull(),
    status: connectionStatus("status").notNull().default("active"),
    /**
     * The provider's account (Stripe `acct_…`): Connect events name it in `event.account`. Null for a
     * pasted restricted key that may not read the account (its events come to the connection's own URL).
     */
    accountId: text("account_id"),
    accountName: text("account_name"),
    /** Real money (a live key, a live OAuth grant) or the provider's test mode. */
    livemode: boolean("livemode").notNull(),
    /** The restricted API key, or the OAuth access token (sealed). Null once disconnected. */
    secretSealed: text("secret_sealed"),
    /** The webhook endpoint's signing secret for a pasted key (sealed). OAuth connections use the platform's Connect endpoint. */
    webhookSecretSealed: text("webhook_secret_sealed"),
    /** For the card-update page (Stripe Elements): the account's publishable key, or the platform's with OAuth. Public by nature. */
    publishableKey: text("publishable_key"),
    connectedAt: timestamp("connected_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    disconnectedAt: timestamp("disconnected_at", { mode: "date", withTimezone: true }),
    disconnectReason: text("disconnect_reason"),
    // Health, kept by the webhook route and the provider calls.
    lastEventAt: timestamp("last_event_at", { mode: "date", withTimezone: true }),
    lastEventType: text("last_event_type"),
    signatureFailures: integer("signature_failures").notNull().default(0),
    lastSignatureFailureAt: timestamp("last_signature_failure_at", { mode: "date", withTimezone: true }),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { mode: "date", withTimezone: true }),
    /** When an invoice last showed a retry scheduled by Stripe itself (`next_payment_attempt`): Smart Retries appear to be on. */
    providerRetriesSeenAt: timestamp("provider_retries_seen_at", { mode: "date", withTimezone: true }),
    /** The last overdue-invoice scan. */
    scannedAt: timestamp("scanned_at", { mode: "date", withTimezone: true }),
  },
  (t) => [
    uniqueIndex("billing_connections_workspace_idx").on(t.workspaceId),
    // A Connect event names its account: one active Connect connection per account, so it reaches one workspace.
    uniqueIndex("billing_connections_connect_account_idx").on(t.provider, t.accountId).where(sql`${t.status} = 'active' and ${t.method} = 'oauth'`),
  ],
);

export type BillingConnection = typeof billingConnections.$inferSelect;
