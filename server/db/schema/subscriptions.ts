import { integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { billingProvider, customers } from "./customers";
import { workspaces } from "./workspaces";

export const subscriptionStatuses = ["active", "past_due", "grace", "canceled", "paused", "unpaid"] as const;
export const subscriptionStatus = pgEnum("subscription_status", subscriptionStatuses);
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const subscriptions = pgTable(
  "subscriptions",
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
    provider: billingProvider("provider").notNull(),
    externalId: text("external_id").notNull(),
    planName: text("plan_name"),
    amount: integer("amount"),
    currency: text("currency"),
    status: subscriptionStatus("status").notNull().default("active"),
    updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("subscriptions_external_idx").on(t.workspaceId, t.provider, t.externalId)],
);

export type Subscription = typeof subscriptions.$inferSelect;
