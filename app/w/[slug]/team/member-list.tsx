"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Badge, Card, CardHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";
import { canAssignRole } from "@/server/auth/permissions";
import { roles, type Role } from "@/server/auth/roles";

type Member = { userId: string; email: string; name: string | null; role: Role; joinedAt: Date };
type PendingInvitation = { id: string; email: string; role: Role; expiresAt: Date };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export function MemberList({
  workspaceId,
  members,
  currentUserId,
  actorRole,
}: {
  workspaceId: string;
  members: Member[];
  currentUserId: string;
  actorRole: Role;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const onSettled = {
    onSuccess: () => {
      setError(null);
      router.refresh();
    },
    onError: (e: unknown) => setError(formError(e)),
  };
  const changeRole = useMutation(trpc.team.changeRole.mutationOptions(onSettled));
  const remove = useMutation(trpc.team.removeMember.mutationOptions(onSettled));
  return (
    <Card>
      <CardHeader title={`Members (${members.length})`} />
      {error ? (
        <div className="px-5 pt-4">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      <ul className="divide-y divide-zinc-100">
        {members.map((member) => {
          const editable = canAssignRole(actorRole, member.role);
          return (
            <li key={member.userId} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium text-zinc-900">
                  {member.name ?? member.email}
                  {member.userId === currentUserId ? <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span> : null}
                </p>
                <p className="truncate text-sm text-zinc-500">
                  {member.email} · joined {dateFormat.format(new Date(member.joinedAt))}
                </p>
              </div>
              {editable ? (
                <div className="flex items-center gap-2">
                  <label className="sr-only" htmlFor={`role-${member.userId}`}>
                    Role of {member.email}
                  </label>
                  <Select
                    id={`role-${member.userId}`}
                    className="w-32"
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ workspaceId, userId: member.userId, role: e.target.value as Role })}
                  >
                    {roles
                      .filter((r) => canAssignRole(actorRole, r))
                      .map((r) => (
                        <option key={r} value={r}>
                          {r[0]!.toUpperCase() + r.slice(1)}
                        </option>
                      ))}
                  </Select>
                  <Button
                    variant="danger"
                    pending={remove.isPending && remove.variables?.userId === member.userId}
                    onClick={() => {
                      if (window.confirm(`Remove ${member.email} from this workspace?`)) remove.mutate({ workspaceId, userId: member.userId });
                    }}
                    aria-label={`Remove ${member.email}`}
                  >
                    Remove
                  </Button>
                </div>
              ) : (
                <Badge tone={member.role === "owner" ? "brand" : "neutral"}>{member.role}</Badge>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

export function PendingInvitations({
  workspaceId,
  invitations,
  canManage,
}: {
  workspaceId: string;
  invitations: PendingInvitation[];
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.team.revokeInvitation.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <Card>
      <CardHeader title="Pending invitations" />
      {invitations.length === 0 ? (
        <p className="px-5 py-6 text-sm text-zinc-500">
          No pending invitations.{canManage ? " Invitations you send appear here until they are accepted." : ""}
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {invitations.map((invitation) => (
            <li key={invitation.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium text-zinc-900">{invitation.email}</p>
                <p className="text-sm text-zinc-500">
                  Invited as {invitation.role} · expires {dateFormat.format(new Date(invitation.expiresAt))}
                </p>
              </div>
              {canManage ? (
                <Button
                  variant="secondary"
                  pending={revoke.isPending && revoke.variables?.invitationId === invitation.id}
                  onClick={() => revoke.mutate({ workspaceId, invitationId: invitation.id })}
                  aria-label={`Withdraw the invitation to ${invitation.email}`}
                >
                  Withdraw
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {revoke.error ? (
        <div className="px-5 pb-4">
          <Alert>{formError(revoke.error)}</Alert>
        </div>
      ) : null}
    </Card>
  );
}
