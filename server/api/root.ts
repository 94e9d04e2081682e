import { createCallerFactory, router } from "./trpc";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { teamRouter } from "./routers/team";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = router({
  me: meRouter,
  workspace: workspaceRouter,
  team: teamRouter,
  invitation: invitationRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
