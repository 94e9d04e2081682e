import { boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { workspaces } from "./workspaces";

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
    /**
     * Typed by a person on the card-update page (the sandbox's stand-in for Stripe Elements). Such a
     * card does exactly what its test number says, every time, as in Stripe's test mode; the
     * behaviour model's recoveries over time are for the simulated customers' own cards.
     */
    typed: boolean("typed").notNull().default(false),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sandbox_payment_methods_customer_idx").on(t.customerId)],
);
