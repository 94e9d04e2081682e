import crypto from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/server/db/client";
import { billingConnections } from "@/server/db/schema";
import type { SecretKey } from "@/server/security/secrets";
import { createStripeClient } from "./client";
import { saveOAuthConnection, type StripePlatform } from "./connections";

/**
 * Stripe Connect OAuth (Standard accounts) for platform deployments: the merchant is sent to Stripe
 * with a `state` that names the workspace and the person, signed with the app's secret and bound to
 * their browser by a nonce in a short-lived cookie, so a callback can neither be forged nor replayed
 * into another workspace or session. The code Stripe returns is exchanged for the connected account,
 * which Reclaim then acts on with the platform's key and the account on every call.
 */

export const OAUTH_COOKIE = "reclaim_stripe_oauth";
export const OAUTH_TTL_SECONDS = 10 * 60;

type State = { workspaceId: string; userId: string; nonce: string; expires: number };

const mac = (secret: string, payload: string) => crypto.createHmac("sha256", secret).update(`stripe-oauth:${payload}`).digest("base64url");

export function signState(secret: string, state: State): string {
  const payload = Buffer.from(JSON.stringify(state)).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

export function readState(secret: string, token: string, now = Date.now()): State | null {
  const [payload, signature] = token.split(".");
  if (!payload || !signature) return null;
  const expected = mac(secret, payload);
  if (expected.length !== signature.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return null;
  try {
    const state = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as State;
    return state.expires > now ? state : null;
  } catch {
    return null;
  }
}

/** Where Stripe's authorize page is (a local server in tests). */
const connectBase = (platform: StripePlatform) => platform.apiUrl ?? "https://connect.stripe.com";

export function callbackUrl(appUrl: string): string {
  return `${appUrl}/api/stripe/oauth/callback`;
}

/** The address to send the merchant to, and the nonce to keep in their browser's cookie. */
export function startStripeOAuth(args: { platform: StripePlatform; appUrl: string; authSecret: string; workspaceId: string; userId: string; now?: number }): { url: string; nonce: string } {
  const connect = args.platform.connect;
  if (!connect) throw new Error("Stripe Connect is not configured on this deployment.");
  const nonce = crypto.randomBytes(16).toString("base64url");
  const state = signState(args.authSecret, { workspaceId: args.workspaceId, userId: args.userId, nonce, expires: (args.now ?? Date.now()) + OAUTH_TTL_SECONDS * 1000 });
  const url = new URL("/oauth/authorize", connectBase(args.platform));
  url.search = new URLSearchParams({ response_type: "code", client_id: connect.clientId, scope: "read_write", redirect_uri: callbackUrl(args.appUrl), state }).toString();
  return { url: url.toString(), nonce };
}

export type OAuthOutcome = { ok: true; workspaceId: string; accountId: string } | { ok: false; workspaceId: string | null; message: string };

/**
 * Finishes the flow Stripe redirected back from: checks the state (signature, expiry, the browser's
 * nonce, the person signed in), then exchanges the code and saves the connection. `authorize` says
 * whether the person may still connect billing in that workspace.
 */
export async function finishStripeOAuth(
  db: Db,
  secretKey: SecretKey,
  args: {
    platform: StripePlatform;
    authSecret: string;
    query: URLSearchParams;
    cookieNonce: string | null;
    userId: string | null;
    authorize: (workspaceId: string, userId: string) => Promise<boolean>;
  },
): Promise<OAuthOutcome> {
  const state = readState(args.authSecret, args.query.get("state") ?? "");
  if (!state) return { ok: false, workspaceId: null, message: "The Stripe sign-in link expired or was not started here. Start again from Integrations." };
  const fail = (message: string): OAuthOutcome => ({ ok: false, workspaceId: state.workspaceId, message });
  if (!args.cookieNonce || args.cookieNonce !== state.nonce || args.userId !== state.userId) {
    return fail("This Stripe sign-in was started in another browser or by another person. Start again from Integrations.");
  }
  if (!(await args.authorize(state.workspaceId, state.userId))) return fail("Your role cannot connect billing in this workspace.");
  const denied = args.query.get("error");
  if (denied) return fail(`Stripe did not connect: ${args.query.get("error_description") ?? denied}.`);
  const code = args.query.get("code");
  if (!code) return fail("Stripe returned no authorization code. Try again.");
  const connect = args.platform.connect;
  if (!connect) return fail("Stripe Connect is not configured on this deployment.");

  const stripe = createStripeClient({ apiKey: connect.secretKey, apiUrl: args.platform.apiUrl });
  let token: Stripe.OAuthToken;
  try {
    token = await stripe.oauth.token({ grant_type: "authorization_code", code });
  } catch (error) {
    const message = error instanceof Stripe.errors.StripeError ? error.message : "Stripe could not be reached.";
    return fail(`Stripe refused the connection: ${message}`);
  }
  if (!token.stripe_user_id) return fail("Stripe returned no account. Try again.");
  const [taken] = await db
    .select({ workspaceId: billingConnections.workspaceId })
    .from(billingConnections)
    .where(
      and(
        eq(billingConnections.accountId, token.stripe_user_id),
        eq(billingConnections.method, "oauth"),
        eq(billingConnections.status, "active"),
        ne(billingConnections.workspaceId, state.workspaceId),
      ),
    );
  if (taken) return fail("This Stripe account is already connected to another Reclaim workspace. Disconnect it there first.");
  const accountName = await stripe.accounts
    .retrieve(token.stripe_user_id)
    .then((account) => account.settings?.dashboard?.display_name ?? account.business_profile?.name ?? null)
    .catch(() => null);
  await saveOAuthConnection(db, secretKey, {
    workspaceId: state.workspaceId,
    accountId: token.stripe_user_id,
    accountName,
    livemode: token.livemode ?? false,
    accessToken: token.access_token ?? null,
    publishableKey: connect.publishableKey,
  });
  return { ok: true, workspaceId: state.workspaceId, accountId: token.stripe_user_id };
}
