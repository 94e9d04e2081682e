import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { workspaces } from "./workspaces";

/** The sandbox's test clock, one per workspace (like Stripe's test clocks). Unset: real time. */
export const sandboxClocks = pgTable("sandbox_clocks", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  now: timestamp("now", { mode: "date", withTimezone: true }).notNull(),
  updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
});

/** Simulated cards. `failsWith` is the decline code a charge on it returns (null: it works). */
export const sandboxPaymentMethods = pgTable(
  "sandbox_payment_methods",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => `pm_sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    brand: text("brand").notNull(),
    last4: text("last4").notNull(),
    expMonth: integer("exp_month").notNull(),
    expYear: integer("exp_year").notNull(),
    failsWith: text("fails_with"),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sandbox_payment_methods_customer_idx").on(t.customerId)],
);

/** Charges the sandbox provider made, keyed by the caller's idempotency key: a repeated call returns the first result. */
export const sandboxCharges = pgTable(
  "sandbox_charges",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => `ch_sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    invoiceId: text("invoice_id").notNull(),
    paymentMethodId: text("payment_method_id"),
    idempotencyKey: text("idempotency_key").notNull(),
    outcome: text("outcome", { enum: ["succeeded", "failed", "requires_action"] }).notNull(),
    declineCode: text("decline_code"),
    adviceCode: text("advice_code"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    at: timestamp("at", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("sandbox_charges_idempotency_idx").on(t.workspaceId, t.idempotencyKey),
    index("sandbox_charges_invoice_idx").on(t.workspaceId, t.invoiceId),
  ],
);
