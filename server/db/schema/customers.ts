import { index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

export const billingProviders = ["sandbox", "stripe"] as const;
export const billingProvider = pgEnum("billing_provider", billingProviders);
export type BillingProviderName = (typeof billingProviders)[number];

export const cohorts = ["treatment", "holdout"] as const;
export const cohort = pgEnum("cohort", cohorts);
export type Cohort = (typeof cohorts)[number];

/** A merchant's customer, as known to the billing provider. */
export const customers = pgTable(
  "customers",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    provider: billingProvider("provider").notNull(),
    externalId: text("external_id").notNull(),
    email: text("email"),
    name: text("name"),
    timezone: text("timezone").notNull().default("UTC"),
    locale: text("locale").notNull().default("en-US"),
    /** Assigned once, on the customer's first failure, and kept for every later invoice. */
    cohort: cohort("cohort"),
    defaultPaymentMethodRef: text("default_payment_method_ref"),
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customers_external_idx").on(t.workspaceId, t.provider, t.externalId),
    index("customers_email_idx").on(t.workspaceId, t.email),
  ],
);

export type Customer = typeof customers.$inferSelect;
