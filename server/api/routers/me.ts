import { protectedProcedure, router } from "@/server/api/trpc";
import { listWorkspacesForUser } from "@/server/queries/workspaces";

export const meRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => {
    const workspaces = await listWorkspacesForUser(ctx.db, { userId: ctx.user.id });
    return { user: ctx.user, workspaces };
  }),
});
