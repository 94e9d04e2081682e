import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

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
