import NextAuth from "next-auth";
import { getDb } from "@/server/db";
import { getMailer } from "@/server/mail";
import { buildAuthConfig } from "./config";
import { getAuthSecret } from "./secret";

// Lazy configuration: the database is opened on the first request, not when
// Next.js imports this module during the build.
export const { handlers, auth, signIn, signOut } = NextAuth(async () =>
  buildAuthConfig({
    db: await getDb(),
    secret: getAuthSecret(),
    mailer: getMailer,
    log: (line) => console.info(line),
  }),
);

export type SignedInUser = { id: string; email: string; name: string | null };

/** The signed-in user of this request, or null. */
export async function currentUser(): Promise<SignedInUser | null> {
  const session = await auth();
  const user = session?.user;
  if (!user?.id || !user.email) return null;
  return { id: user.id, email: user.email, name: user.name ?? null };
}
