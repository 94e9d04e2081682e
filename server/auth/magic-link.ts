import crypto from "node:crypto";
import { createElement } from "react";
import SignInEmail from "@/emails/sign-in";
import type { Db } from "@/server/db/client";
import { verificationTokens } from "@/server/db/schema";
import type { Mailer } from "@/server/mail/mailer";
import { renderEmail } from "@/server/mail/render";

export const MAGIC_LINK_PROVIDER_ID = "email";
/** How long an emailed sign-in link works. */
export const MAGIC_LINK_MAX_AGE_SECONDS = 15 * 60;

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

/**
 * Emails land on /sign-in/verify, a page with a button, rather than on the
 * Auth.js callback itself: mail scanners that open links would otherwise spend
 * the single-use token before the person clicks.
 */
export function toVerifyPageUrl(callbackUrl: string): string {
  const callback = new URL(callbackUrl);
  const verify = new URL("/sign-in/verify", callback.origin);
  verify.search = callback.search;
  return verify.toString();
}

/**
 * The Auth.js callback path a verify page's button leads to. Relative, so it
 * stays on whatever host served the page; Auth.js itself refuses a
 * `callbackUrl` on another origin.
 */
export function toCallbackPath(params: { token: string; email: string; callbackUrl?: string }): string {
  const search = new URLSearchParams({ callbackUrl: params.callbackUrl ?? "/", token: params.token, email: params.email });
  return `/api/auth/callback/${MAGIC_LINK_PROVIDER_ID}?${search}`;
}

export async function sendSignInEmail(
  mailer: Mailer,
  params: { email: string; url: string; token: string; log?: (line: string) => void },
): Promise<void> {
  const link = toVerifyPageUrl(params.url);
  const host = new URL(link).host;
  const { html, text } = await renderEmail(
    createElement(SignInEmail, { url: link, host, expiresInMinutes: MAGIC_LINK_MAX_AGE_SECONDS / 60 }),
  );
  await mailer.send({
    idempotencyKey: `sign-in:${sha256(params.token)}`,
    kind: "sign-in",
    to: params.email,
    subject: "Your sign-in link for Reclaim",
    html,
    text,
  });
  // In the sandbox the outbox is the delivery, so the link is shown where the
  // operator is looking. With a real transport the link is a secret: never logged.
  if (mailer.transport === "outbox") params.log?.(`[reclaim] Sign-in link for ${params.email}: ${link}`);
}

/**
 * Makes a sign-in link without sending it (for the CLI), exactly as Auth.js
 * would: the stored token is sha256(token + secret), and the link is spent on use.
 */
export async function createSignInLink(
  db: Db,
  params: { email: string; secret: string; appUrl: string; maxAgeSeconds?: number; callbackUrl?: string },
): Promise<{ url: string; expires: Date }> {
  const token = crypto.randomBytes(32).toString("hex");
  const expires = new Date(Date.now() + (params.maxAgeSeconds ?? MAGIC_LINK_MAX_AGE_SECONDS) * 1000);
  await db.insert(verificationTokens).values({
    identifier: params.email,
    token: sha256(`${token}${params.secret}`),
    expires,
  });
  const callback = new URL(
    toCallbackPath({ token, email: params.email, callbackUrl: params.callbackUrl ?? "/" }),
    params.appUrl,
  );
  return { url: toVerifyPageUrl(callback.toString()), expires };
}
