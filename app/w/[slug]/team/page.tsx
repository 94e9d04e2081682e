import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/empty-state";
import { can, roleDescriptions } from "@/server/auth/permissions";
import { roles } from "@/server/db/schema";
import { getConsoleWorkspace } from "@/server/console";
import { InviteForm } from "./invite-form";
import { MemberList, PendingInvitations } from "./member-list";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { params: Promise<{ slug: string }> }) {
  const { workspace, user, api } = await getConsoleWorkspace((await params).slug);
  const [members, invitations] = await Promise.all([
    api.team.members({ workspaceId: workspace.id }),
    api.team.invitations({ workspaceId: workspace.id }),
  ]);
  const canManage = can(workspace.role, "team.manage");
  return (
    <>
      <PageHeader title="Team" description={`Who can see and change ${workspace.name} in Reclaim.`} />
      <div className="space-y-6">
        {canManage ? (
          <InviteForm workspaceId={workspace.id} actorRole={workspace.role} />
        ) : (
          <p className="rounded-md border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600">
            You are a {workspace.role} here. Ask an owner or admin to invite people or change roles.
          </p>
        )}
        <MemberList workspaceId={workspace.id} members={members} currentUserId={user.id} actorRole={workspace.role} />
        <PendingInvitations workspaceId={workspace.id} invitations={invitations} canManage={canManage} />
        <section aria-labelledby="roles-heading" className="rounded-xl border border-zinc-200 bg-white p-5">
          <h2 id="roles-heading" className="text-base font-semibold text-zinc-900">
            What each role can do
          </h2>
          <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-2">
            {roles.map((role) => (
              <div key={role} className="rounded-md bg-zinc-50 px-3 py-2">
                <dt className="font-medium capitalize text-zinc-900">{role}</dt>
                <dd className="text-zinc-600">{roleDescriptions[role]}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </>
  );
}
