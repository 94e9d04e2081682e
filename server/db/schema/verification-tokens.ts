import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Magic-link tokens. Auth.js stores only sha256(token + secret) here, deletes
 * the row when the link is used, and refuses it after `expires`.
 */
export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);
