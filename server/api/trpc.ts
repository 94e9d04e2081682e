import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Capability } from "@/server/auth/permissions";
import { can } from "@/server/auth/permissions";
import type { Db } from "@/server/db/client";
import type { Role, Workspace } from "@/server/db/schema";
import type { Mailer } from "@/server/mail/mailer";
import { getMembership } from "@/server/queries/workspaces";

export type ContextUser = { id: string; email: string; name: string | null };

export type Context = {
  db: Db;
  user: ContextUser | null;
  /** Public address of the app, for links in emails. */
  appUrl: string;
  mailer: Mailer;
};

type Meta = { capability?: Capability };

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        data: {
          ...shape.data,
          // Field-by-field messages, so forms can say which field is wrong and why.
          fieldErrors: cause instanceof ZodError ? z.flattenError(cause).fieldErrors : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const workspaceIdInput = z.object({
  workspaceId: z.string().trim().min(1, "workspaceId is required").max(100),
});

/**
 * The only way to tenant data. Resolves the workspace from the input, checks
 * that the signed-in user is a member and that their role grants the
 * procedure's capability (from its meta; reading by default), and puts the
 * workspace and role on the context. A workspace the user does not belong to
 * looks exactly like one that does not exist.
 */
export const workspaceProcedure = protectedProcedure
  .input(workspaceIdInput)
  .use(async ({ ctx, input, meta, next }) => {
    const membership = await getMembership(ctx.db, { workspaceId: input.workspaceId, userId: ctx.user.id });
    if (!membership) {
      throw new TRPCError({ code: "NOT_FOUND", message: "That workspace does not exist or you are not a member of it." });
    }
    const capability = meta?.capability ?? "workspace.read";
    if (!can(membership.role, capability)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${membership.role}) cannot do this. Ask an owner or admin of ${membership.workspace.name}.`,
      });
    }
    const workspace: Workspace = membership.workspace;
    const role: Role = membership.role;
    return next({ ctx: { ...ctx, workspace, role } });
  });

/** A workspace procedure that needs more than reading. */
export const workspaceProcedureWith = (capability: Capability) => workspaceProcedure.meta({ capability });
