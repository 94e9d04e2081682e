import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import {
  createWorkspace,
  getWorkspaceBySlugForUser,
  listWorkspacesForUser,
  renameWorkspace,
} from "@/server/queries/workspaces";

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(2, "Give the workspace a name of at least 2 characters.")
  .max(60, "Keep the name under 60 characters.");

export const workspaceRouter = router({
  list: protectedProcedure.query(({ ctx }) => listWorkspacesForUser(ctx.db, { userId: ctx.user.id })),

  /** By the slug in the console's URL; unknown and foreign workspaces are both NOT_FOUND. */
  bySlug: protectedProcedure
    .input(z.object({ slug: z.string().trim().min(1).max(80) }))
    .query(async ({ ctx, input }) => {
      const workspace = await getWorkspaceBySlugForUser(ctx.db, { slug: input.slug, userId: ctx.user.id });
      if (!workspace) throw new TRPCError({ code: "NOT_FOUND", message: "No workspace of yours has that address." });
      return workspace;
    }),

  create: protectedProcedure
    .input(z.object({ name: workspaceNameSchema }))
    .mutation(({ ctx, input }) => createWorkspace(ctx.db, { name: input.name, ownerId: ctx.user.id })),

  get: workspaceProcedure.query(({ ctx }) => ({ ...ctx.workspace, role: ctx.role })),

  rename: workspaceProcedureWith("workspace.manage")
    .input(z.object({ name: workspaceNameSchema }))
    .mutation(({ ctx, input }) => renameWorkspace(ctx.db, { workspaceId: ctx.workspace.id, name: input.name })),
});
