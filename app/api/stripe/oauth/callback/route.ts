import { eq } from "drizzle-orm";
import { NextResponse, type NextRequest } from "next/server";
import { createContext } from "@/server/api/context";
import { getAuthSecret } from "@/server/auth/secret";
import { can } from "@/server/auth/permissions";
import { finishStripeOAuth, OAUTH_COOKIE } from "@/server/billing/stripe/oauth";
import { workspaces } from "@/server/db/schema";
import { env } from "@/server/env";
import { getMembership } from "@/server/queries/workspaces";
import { getSecretKey, stripePlatform } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Stripe Connect's redirect back (the platform's registered redirect URI): exchanges the code and returns to Integrations. */
export async function GET(request: NextRequest) {
  const ctx = await createContext();
  const outcome = await finishStripeOAuth(ctx.db, getSecretKey(), {
    platform: stripePlatform(),
    authSecret: getAuthSecret(),
    query: request.nextUrl.searchParams,
    cookieNonce: request.cookies.get(OAUTH_COOKIE)?.value ?? null,
    userId: ctx.user?.id ?? null,
    authorize: async (workspaceId, userId) => {
      const membership = await getMembership(ctx.db, { workspaceId, userId });
      return membership !== null && can(membership.role, "billing.manage");
    },
  });
  const [workspace] = outcome.workspaceId ? await ctx.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, outcome.workspaceId)) : [];
  const target = workspace ? `/w/${workspace.slug}/integrations?stripe=${encodeURIComponent(outcome.ok ? "connected" : outcome.message)}` : "/workspaces";
  const response = NextResponse.redirect(new URL(target, env().APP_URL));
  response.cookies.delete({ name: OAUTH_COOKIE, path: "/api/stripe/oauth" });
  return response;
}
