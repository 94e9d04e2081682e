import { TRPCError } from "@trpc/server";
import { createElement } from "react";
import { z } from "zod";
import TeamInvitationEmail from "@/emails/team-invitation";
import { router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import { canAssignRole } from "@/server/auth/permissions";
import { roles } from "@/server/db/schema";
import { renderEmail } from "@/server/mail/render";
import {
  createInvitation,
  INVITATION_TTL_DAYS,
  listPendingInvitations,
  revokeInvitation,
} from "@/server/queries/invitations";
import { countOwners, getMemberRole, listMembers, removeMember, setMemberRole } from "@/server/queries/members";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address, like ada@example.com.").max(254));

const roleSchema = z.enum(roles, { message: `Choose a role: ${roles.join(", ")}.` });

export const teamRouter = router({
  members: workspaceProcedure.query(({ ctx }) => listMembers(ctx.db, { workspaceId: ctx.workspace.id })),

  invitations: workspaceProcedure.query(async ({ ctx }) => {
    const rows = await listPendingInvitations(ctx.db, { workspaceId: ctx.workspace.id });
    // The token hash stays on the server.
    return rows.map(({ tokenHash: _tokenHash, ...rest }) => rest);
  }),

  invite: workspaceProcedureWith("team.manage")
    .input(z.object({ email: emailSchema, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      if (!canAssignRole(ctx.role, input.role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can invite another owner." });
      }
      const members = await listMembers(ctx.db, { workspaceId: ctx.workspace.id });
      if (members.some((m) => m.email.toLowerCase() === input.email)) {
        throw new TRPCError({ code: "CONFLICT", message: `${input.email} is already a member of this workspace.` });
      }
      const { invitation, token } = await createInvitation(ctx.db, {
        workspaceId: ctx.workspace.id,
        email: input.email,
        role: input.role,
        invitedById: ctx.user.id,
      });
      const url = `${ctx.appUrl}/invite/${token}`;
      const { html, text } = await renderEmail(
        createElement(TeamInvitationEmail, {
          url,
          workspaceName: ctx.workspace.name,
          inviterName: ctx.user.name ?? ctx.user.email,
          role: input.role,
          expiresInDays: INVITATION_TTL_DAYS,
        }),
      );
      await ctx.mailer.send({
        idempotencyKey: `invitation:${invitation.id}:${invitation.tokenHash}`,
        kind: "team-invitation",
        workspaceId: ctx.workspace.id,
        to: input.email,
        subject: `${ctx.user.name ?? ctx.user.email} invited you to ${ctx.workspace.name} on Reclaim`,
        html,
        text,
        metadata: { invitationId: invitation.id },
      });
      return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
    }),

  revokeInvitation: workspaceProcedureWith("team.manage")
    .input(z.object({ invitationId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeInvitation(ctx.db, { workspaceId: ctx.workspace.id, invitationId: input.invitationId });
      if (!revoked) throw new TRPCError({ code: "NOT_FOUND", message: "That invitation is not pending in this workspace." });
      return { revoked };
    }),

  changeRole: workspaceProcedureWith("team.manage")
    .input(z.object({ userId: z.string().min(1).max(100), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const current = await getMemberRole(ctx.db, { workspaceId: ctx.workspace.id, userId: input.userId });
      if (!current) throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this workspace." });
      if (!canAssignRole(ctx.role, current) || !canAssignRole(ctx.role, input.role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can change an owner's role or make someone an owner." });
      }
      if (current === "owner" && input.role !== "owner" && (await countOwners(ctx.db, { workspaceId: ctx.workspace.id })) <= 1) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "A workspace needs at least one owner. Make someone else an owner first." });
      }
      await setMemberRole(ctx.db, { workspaceId: ctx.workspace.id, userId: input.userId, role: input.role });
      return { userId: input.userId, role: input.role };
    }),

  removeMember: workspaceProcedureWith("team.manage")
    .input(z.object({ userId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const current = await getMemberRole(ctx.db, { workspaceId: ctx.workspace.id, userId: input.userId });
      if (!current) throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this workspace." });
      if (!canAssignRole(ctx.role, current)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can remove an owner." });
      }
      if (current === "owner" && (await countOwners(ctx.db, { workspaceId: ctx.workspace.id })) <= 1) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "A workspace needs at least one owner. Make someone else an owner first." });
      }
      await removeMember(ctx.db, { workspaceId: ctx.workspace.id, userId: input.userId });
      return { removed: true };
    }),
});
