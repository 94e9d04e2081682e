import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { billingProvider, customers } from "./customers";
import { subscriptions } from "./subscriptions";
import { workspaces } from "./workspaces";

export const invoiceStatuses = ["draft", "open", "paid", "void", "uncollectible"] as const;
export const invoiceStatus = pgEnum("invoice_status", invoiceStatuses);
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/** Invoices Reclaim knows of. Amounts are integer minor units with their currency. */
export const invoices = pgTable(
  "invoices",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    subscriptionId: text("subscription_id").references(() => subscriptions.id, { onDelete: "set null" }),
    provider: billingProvider("provider").notNull(),
    externalId: text("external_id").notNull(),
    number: text("number"),
    amountDue: integer("amount_due").notNull(),
    currency: text("currency").notNull(),
    status: invoiceStatus("status").notNull().default("open"),
    hostedUrl: text("hosted_url"),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp("paid_at", { mode: "date", withTimezone: true }),
  },
  (t) => [
    uniqueIndex("invoices_external_idx").on(t.workspaceId, t.provider, t.externalId),
    index("invoices_customer_idx").on(t.workspaceId, t.customerId, t.status),
    index("invoices_subscription_idx").on(t.workspaceId, t.subscriptionId),
  ],
);

export type Invoice = typeof invoices.$inferSelect;
