import type { Metadata } from "next";
import { TRPCError } from "@trpc/server";
import { AuthCard } from "@/components/auth-card";
import { ButtonLink } from "@/components/ui/button";
import { getServerApi } from "@/server/api/server";
import { requireUser } from "@/server/auth/require-user";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await requireUser(`/invite/${encodeURIComponent(token)}`);
  const api = await getServerApi();
  let invitation;
  try {
    invitation = await api.invitation.get({ token });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) {
      return (
        <AuthCard title="This invitation link is not valid">
          <div className="space-y-4 text-sm text-zinc-600">
            <p>The link may be incomplete, or the invitation was replaced by a newer one. Ask whoever invited you to send it again.</p>
            <ButtonLink href="/" variant="secondary" className="w-full">
              Go to my workspaces
            </ButtonLink>
          </div>
        </AuthCard>
      );
    }
    throw error;
  }
  const problem =
    invitation.status === "revoked"
      ? "This invitation was withdrawn. Ask an admin of the workspace for a new one."
      : invitation.status === "accepted"
        ? "This invitation has already been accepted."
        : invitation.expired
          ? "This invitation has expired. Ask whoever invited you to send a new one."
          : !invitation.forCurrentUser
            ? `This invitation was sent to ${invitation.email}, but you are signed in as ${user.email}. Sign out and sign in as ${invitation.email} to accept it.`
            : null;
  return (
    <AuthCard title={`Join ${invitation.workspaceName}`}>
      <div className="space-y-4 text-sm text-zinc-600">
        <p>
          {invitation.invitedBy ?? "A teammate"} invited <strong className="text-zinc-900">{invitation.email}</strong> to join{" "}
          <strong className="text-zinc-900">{invitation.workspaceName}</strong> on Reclaim as{" "}
          <strong className="text-zinc-900">{invitation.role}</strong>.
        </p>
        {problem ? (
          <>
            <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
              {problem}
            </p>
            <ButtonLink href="/" variant="secondary" className="w-full">
              Go to my workspaces
            </ButtonLink>
          </>
        ) : (
          <AcceptInvitation token={token} />
        )}
      </div>
    </AuthCard>
  );
}
