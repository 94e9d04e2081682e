import { currentUser } from "@/server/auth";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { getMailer } from "@/server/mail";
import type { Context } from "./trpc";

/** The request context for tRPC in the app (route handler and server components). */
export async function createContext(): Promise<Context> {
  const [db, user, mailer] = await Promise.all([getDb(), currentUser(), getMailer()]);
  return { db, user, mailer, appUrl: env().APP_URL };
}
