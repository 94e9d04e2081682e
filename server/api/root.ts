import { createCallerFactory, router } from "./trpc";
import { analyticsRouter } from "./routers/analytics";
import { billingRouter } from "./routers/billing";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { overviewRouter } from "./routers/overview";
import { recoveryRouter } from "./routers/recovery";
import { reportsRouter } from "./routers/reports";
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
  overview: overviewRouter,
  analytics: analyticsRouter,
  reports: reportsRouter,
  billing: billingRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
