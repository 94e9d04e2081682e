import { NextResponse, type NextRequest } from "next/server";
import { LAST_WORKSPACE_COOKIE, workspaceSlugFromPath } from "@/server/workspace-cookie";

// Kept tiny: remembers which workspace console was opened last, so "/" returns
// to it. Access control is not done here; every page and procedure checks
// membership itself.
export function proxy(request: NextRequest) {
  const response = NextResponse.next();
  const slug = workspaceSlugFromPath(request.nextUrl.pathname);
  if (slug && request.cookies.get(LAST_WORKSPACE_COOKIE)?.value !== slug) {
    response.cookies.set(LAST_WORKSPACE_COOKIE, slug, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      maxAge: 60 * 60 * 24 * 365,
    });
  }
  return response;
}

export const config = { matcher: ["/w/:path*"] };
