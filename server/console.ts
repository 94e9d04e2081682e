import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getServerApi } from "@/server/api/server";
import { requireUser } from "@/server/auth/require-user";

/**
 * The workspace of a console page, for the signed-in user. Unknown and foreign
 * workspaces both give the same 404, so a slug reveals nothing. Cached per
 * request: the layout and the page share one look-up.
 */
export const getConsoleWorkspace = cache(async (slug: string) => {
  const user = await requireUser(`/w/${slug}/overview`);
  const api = await getServerApi();
  try {
    const workspace = await api.workspace.bySlug({ slug });
    return { user, workspace, api };
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});
