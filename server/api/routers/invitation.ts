import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, router } from "@/server/api/trpc";
import { acceptInvitation, findInvitationByToken } from "@/server/queries/invitations";

const tokenInput = z.object({ token: z.string().trim().min(16, "That invitation link is incomplete.").max(200) });

const reasons = {
  "not-found": "This invitation link is not valid. Ask for a new invitation.",
  expired: "This invitation has expired. Ask whoever invited you to send a new one.",
  revoked: "This invitation was withdrawn. Ask an admin of the workspace for a new one.",
  "already-used": "This invitation has already been accepted by someone else.",
  "wrong-email": "This invitation was sent to another email address.",
} as const;

/** Invitations are addressed by their secret token, not a workspace: no workspace guard here. */
export const invitationRouter = router({
  get: protectedProcedure.input(tokenInput).query(async ({ ctx, input }) => {
    const found = await findInvitationByToken(ctx.db, { token: input.token });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: reasons["not-found"] });
    const { invitation, workspace, invitedBy } = found;
    return {
      workspaceName: workspace.name,
      role: invitation.role,
      email: invitation.email,
      invitedBy,
      status: invitation.status,
      expired: invitation.expiresAt.getTime() < Date.now(),
      forCurrentUser: invitation.email.toLowerCase() === ctx.user.email.toLowerCase(),
    };
  }),

  accept: protectedProcedure.input(tokenInput).mutation(async ({ ctx, input }) => {
    const result = await acceptInvitation(ctx.db, { token: input.token, userId: ctx.user.id, email: ctx.user.email });
    if (!result.ok) {
      const message =
        result.reason === "wrong-email"
          ? `${reasons["wrong-email"]} Sign in as ${result.invitedEmail} to accept it.`
          : reasons[result.reason];
      throw new TRPCError({ code: result.reason === "not-found" ? "NOT_FOUND" : "BAD_REQUEST", message });
    }
    return result.workspace;
  }),
});
