import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { NextAuthConfig } from "next-auth";
import type { Db } from "@/server/db/client";
import { accounts, sessions, users, verificationTokens } from "@/server/db/schema";
import type { Mailer } from "@/server/mail/mailer";
import { MAGIC_LINK_MAX_AGE_SECONDS, MAGIC_LINK_PROVIDER_ID, sendSignInEmail } from "./magic-link";

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * The Auth.js configuration, built from its dependencies so tests can run the
 * real sign-in flow against an in-memory database.
 */
export function buildAuthConfig(deps: {
  db: Db;
  secret: string;
  mailer: () => Promise<Mailer>;
  log?: (line: string) => void;
}): NextAuthConfig {
  return {
    adapter: DrizzleAdapter(deps.db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }),
    secret: deps.secret,
    trustHost: true,
    session: { strategy: "database", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", verifyRequest: "/sign-in/check-email", error: "/auth/error" },
    providers: [
      {
        id: MAGIC_LINK_PROVIDER_ID,
        type: "email",
        name: "Email",
        maxAge: MAGIC_LINK_MAX_AGE_SECONDS,
        async sendVerificationRequest({ identifier, url, token }) {
          await sendSignInEmail(await deps.mailer(), { email: identifier, url, token, log: deps.log });
        },
      },
    ],
    callbacks: {
      session({ session, user }) {
        return { ...session, user: { ...session.user, id: user.id } };
      },
    },
  };
}
