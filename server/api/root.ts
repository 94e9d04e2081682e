import { createCallerFactory, router } from "./trpc";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { recoveryRouter } from "./routers/recovery";
import { sequenceRouter } from "./routers/sequence";
import { teamRouter } from "./routers/team";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = router({
  me: meRouter,
  workspace: workspaceRouter,
  team: teamRouter,
  invitation: invitationRouter,
  recovery: recoveryRouter,
  sequence: sequenceRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
