import { TRPCError } from "@trpc/server";
import { NextResponse, type NextRequest } from "next/server";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { getAuthSecret } from "@/server/auth/secret";
import { can } from "@/server/auth/permissions";
import { OAUTH_COOKIE, OAUTH_TTL_SECONDS, startStripeOAuth } from "@/server/billing/stripe/oauth";
import { env } from "@/server/env";
import { stripePlatform } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** "Connect with Stripe": sends an owner or admin to Stripe Connect's authorize page, the browser carrying the state's nonce. */
export async function GET(_request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const back = (message: string) => NextResponse.redirect(new URL(`/w/${slug}/integrations?stripe=${encodeURIComponent(message)}`, env().APP_URL));
  const ctx = await createContext();
  if (!ctx.user) return NextResponse.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(`/w/${slug}/integrations`)}`, env().APP_URL));
  let workspace;
  try {
    workspace = await createCaller(ctx).workspace.bySlug({ slug });
  } catch (error) {
    if (error instanceof TRPCError) return new Response("No workspace of yours has that address.\n", { status: 404 });
    throw error;
  }
  if (!can(workspace.role, "billing.manage")) return back("Only owners and admins can connect billing.");
  const platform = stripePlatform();
  if (!platform.connect) return back("Stripe Connect is not configured on this deployment: connect with a restricted key instead.");
  const { url, nonce } = startStripeOAuth({ platform, appUrl: env().APP_URL, authSecret: getAuthSecret(), workspaceId: workspace.id, userId: ctx.user.id });
  const response = NextResponse.redirect(url);
  response.cookies.set(OAUTH_COOKIE, nonce, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().APP_URL.startsWith("https://"),
    path: "/api/stripe/oauth",
    maxAge: OAUTH_TTL_SECONDS,
  });
  return response;
}
