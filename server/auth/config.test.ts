import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions, users, verificationTokens } from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { listOutbox, getOutboxMessage, extractLinks } from "@/server/queries/outbox";
import { openTestDatabase, uniqueEmail } from "@/server/testing/database";
import { buildAuthConfig } from "./config";
import { createSignInLink } from "./magic-link";

const database = await openTestDatabase();
const secret = "test-secret-0123456789abcdef0123456789abcdef";
const origin = "http://localhost:3000";
const logged: string[] = [];
const { handlers } = NextAuth(
  buildAuthConfig({
    db: database.db,
    secret,
    mailer: async () => createMailer(database.db, outboxTransport, "Reclaim <no-reply@reclaim.local>"),
    log: (line) => logged.push(line),
  }),
);

/** Cookies from a response, as a Cookie header. */
const cookieHeader = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

async function requestLink(email: string): Promise<Response> {
  const csrf = await handlers.GET(new NextRequest(`${origin}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  return handlers.POST(
    new NextRequest(`${origin}/api/auth/signin/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(csrf) },
      body: new URLSearchParams({ csrfToken, email, callbackUrl: `${origin}/workspaces/new` }),
    }),
  );
}

/** Follows an emailed /sign-in/verify link the way its button does: to the Auth.js callback. */
function callbackFor(verifyLink: string): NextRequest {
  const verify = new URL(verifyLink);
  return new NextRequest(`${origin}/api/auth/callback/email${verify.search}`);
}

describe("magic-link sign-in", () => {
  it("emails a single-use link that signs the person in and creates their account", async () => {
    const email = uniqueEmail("signin");
    const asked = await requestLink(email);
    expect(asked.status).toBe(302);
    expect(asked.headers.get("location")).toMatch(/verify-request|check-email/);

    const [summary] = await listOutbox(database.db, { to: email });
    expect(summary?.subject).toBe("Your sign-in link for Reclaim");
    const message = await getOutboxMessage(database.db, { id: summary!.id });
    expect(message!.text).toContain("/sign-in/verify?");
    const [link] = extractLinks(message!.html);
    expect(link).toMatch(/^http:\/\/localhost:3000\/sign-in\/verify\?/);
    expect(logged.some((line) => line.includes(email) && line.includes("/sign-in/verify?"))).toBe(true);

    // The token is stored hashed, never as sent.
    const token = new URL(link!).searchParams.get("token")!;
    const stored = await database.db.select().from(verificationTokens).where(eq(verificationTokens.identifier, email));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token).not.toBe(token);

    const signedIn = await handlers.GET(callbackFor(link!));
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe(`${origin}/workspaces/new`);
    expect(signedIn.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(true);
    const [user] = await database.db.select().from(users).where(eq(users.email, email));
    expect(user?.emailVerified).toBeInstanceOf(Date);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, user!.id))).toHaveLength(1);

    // Used once, refused after.
    const again = await handlers.GET(callbackFor(link!));
    expect(again.headers.get("location")).toContain("/auth/error?error=Verification");
  });

  it("accepts a link made by the CLI, exactly like an emailed one", async () => {
    const email = uniqueEmail("cli");
    const { url } = await createSignInLink(database.db, { email, secret, appUrl: origin });
    const response = await handlers.GET(callbackFor(url));
    expect(response.headers.get("location")).toBe(`${origin}/`);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(true);
  });

  it("refuses an expired link", async () => {
    const email = uniqueEmail("expired");
    const { url } = await createSignInLink(database.db, { email, secret, appUrl: origin, maxAgeSeconds: -1 });
    const response = await handlers.GET(callbackFor(url));
    expect(response.headers.get("location")).toContain("/auth/error?error=Verification");
    expect(await database.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
  });

  it("refuses a link with a forged token or another address", async () => {
    const email = uniqueEmail("forged");
    const { url } = await createSignInLink(database.db, { email, secret, appUrl: origin });
    const forged = new URL(url);
    forged.searchParams.set("token", "0".repeat(64));
    expect((await handlers.GET(callbackFor(forged.toString()))).headers.get("location")).toContain("error=Verification");
    const otherAddress = new URL(url);
    otherAddress.searchParams.set("email", uniqueEmail("victim"));
    expect((await handlers.GET(callbackFor(otherAddress.toString()))).headers.get("location")).toContain("error=Verification");
  });

  it("never sends mail for an invalid address", async () => {
    const response = await requestLink("not-an-email");
    expect(response.headers.get("location")).toContain("/auth/error");
    expect(await listOutbox(database.db, { to: "not-an-email" })).toHaveLength(0);
  });
});
