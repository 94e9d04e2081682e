import crypto from "node:crypto";
import { afterAll } from "vitest";
import { openDatabase, type Database } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import type { Context, ContextUser } from "@/server/api/trpc";

/**
 * The database for a test file: in-memory PGlite by default, the real Postgres
 * at TEST_DATABASE_URL when the suite runs against Postgres (see .ci/test-all.mjs).
 * Tests never assume empty tables: everything they make has unique names.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  const database = await openDatabase(url ? { driver: "postgres", url, maxConnections: 4 } : { driver: "pglite" });
  afterAll(() => database.close());
  return database;
}

export const uniqueEmail = (label = "user") => `${label}-${crypto.randomBytes(5).toString("hex")}@example.com`;

export async function createTestUser(database: Database, label = "user"): Promise<ContextUser> {
  const email = uniqueEmail(label);
  const [user] = await database.db.insert(users).values({ email, name: label }).returning();
  if (!user) throw new Error("user not created");
  return { id: user.id, email: user.email, name: user.name };
}

export function testContext(database: Database, user: ContextUser | null): Context {
  return {
    db: database.db,
    user,
    appUrl: "http://localhost:3000",
    mailer: createMailer(database.db, outboxTransport, "Reclaim <no-reply@reclaim.local>"),
  };
}
