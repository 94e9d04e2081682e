import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Inbox } from "lucide-react";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { can } from "@/server/auth/permissions";
import { realisticMix } from "@/server/billing/sandbox/simulate";
import { caseStatuses } from "@/server/db/schema";
import { getConsoleWorkspace } from "@/server/console";
import { knownDeclineCodes } from "@/server/recovery/decline";
import { CaseStatusBadge, Pill } from "../recoveries/_components/badges";
import { LocalTime } from "../recoveries/_components/format";
import { caseStatusHelp, categoryHelp, categoryLabels } from "../recoveries/_components/labels";
import { ClockPanel } from "./clock-panel";
import { SimulateForm, type DeclineGroup } from "./simulate-form";

export const metadata: Metadata = { title: "Sandbox" };

const categoryOrder = ["soft", "hard", "needs_authentication", "do_not_contact", "revoked"] as const;

/** The decline codes a merchant can simulate, grouped by what Reclaim may do about them. */
const declineGroups: DeclineGroup[] = categoryOrder.map((category) => ({
  category,
  label: `${categoryLabels[category]}: ${categoryHelp[category]!.replace(/\.$/, "").toLowerCase()}`,
  codes: knownDeclineCodes
    // Card-present and test-mode-only codes never occur on a subscription renewal.
    .filter((c) => c.category === category && c.kind !== "card_present_or_test")
    .map(({ code, label }) => ({ code, label })),
}));

const messageKinds: Record<string, string> = { dunning: "Reminder", receipt: "Receipt", "team-invitation": "Invitation" };

const mixSummary = `Weighted like real renewal traffic: ${realisticMix
  .slice(0, 3)
  .map((m) => `${m.weight}% ${m.code.replaceAll("_", " ")}`)
  .join(", ")}, and a tail of rarer declines including lost and stolen cards.`;

export default async function SandboxPage({ params }: { params: Promise<{ slug: string }> }) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  if (workspace.mode !== "sandbox") notFound();
  const state = await api.recovery.sandboxState({ workspaceId: workspace.id });
  const canManage = can(workspace.role, "workspace.manage");
  const total = Object.values(state.counts).reduce((sum, n) => sum + n, 0);
  const recoveries = `/w/${workspace.slug}/recoveries`;

  return (
    <>
      <PageHeader
        title="Sandbox"
        description="Try the whole recovery loop without real money or real customers. Simulate customers whose renewal payment fails with a decline of your choice; Reclaim classifies each one and plans its retries and emails. Then move this workspace's test clock forward: everything that falls due runs in order at its simulated time, just as it would in live mode, and the emails land in the sandbox outbox below instead of anyone's inbox. Customers the sandbox generates behave like real ones, by a seeded model: some open the emails, some follow the link, some put a new card on file."
      />
      <div className="space-y-6">
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 lg:items-start">
          {canManage ? (
            <SimulateForm workspaceId={workspace.id} slug={workspace.slug} groups={declineGroups} mixSummary={mixSummary} />
          ) : (
            <Card>
              <CardHeader title="Simulate failed renewals" />
              <p className="p-5 text-sm text-zinc-600">
                You are a {workspace.role} here. Ask an owner or admin to simulate failures; you can follow every case under{" "}
                <Link href={recoveries} className="font-medium text-brand-700 underline">
                  Recoveries
                </Link>
                .
              </p>
            </Card>
          )}
          <ClockPanel
            workspaceId={workspace.id}
            slug={workspace.slug}
            now={state.now}
            nextAction={state.nextAction}
            canManage={canManage}
          />
        </div>

        <div className="grid grid-cols-1 gap-6 lg:grid-cols-3 lg:items-start">
          <Card>
            <CardHeader title="Cases" description={total === 0 ? "None yet." : `${total} in this sandbox.`} />
            <ul className="divide-y divide-zinc-100">
              {caseStatuses
                .filter((s) => s !== "cancelled" || state.counts.cancelled > 0)
                .map((status) => (
                  <li key={status}>
                    <Link
                      href={`${recoveries}?status=${status}`}
                      title={caseStatusHelp[status]}
                      className="flex min-h-11 items-center justify-between gap-3 px-5 py-2.5 text-sm hover:bg-zinc-50"
                    >
                      <CaseStatusBadge status={status} />
                      <span className="font-semibold tabular-nums text-zinc-900">{state.counts[status]}</span>
                    </Link>
                  </li>
                ))}
            </ul>
            <div className="border-t border-zinc-100 px-5 py-3">
              <Link href={recoveries} className="text-sm font-medium text-brand-700 underline">
                View all in Recoveries
              </Link>
            </div>
          </Card>

          <Card className="lg:col-span-2">
            <CardHeader
              title="Sandbox outbox"
              description="The latest emails Reclaim sent to this sandbox's customers, at their time on the sandbox clock. Nothing leaves the server."
            />
            {state.outbox.length === 0 ? (
              <div className="flex flex-col items-center gap-2 px-5 py-8 text-center text-sm text-zinc-600">
                <Inbox className="size-6 text-zinc-400" aria-hidden="true" />
                <p>
                  No emails yet. Each customer&apos;s first email goes out when the clock reaches it: simulate failed renewals, then advance
                  the clock.
                </p>
              </div>
            ) : (
              <ul className="divide-y divide-zinc-100">
                {state.outbox.map((m) => (
                  <li key={m.id} className="flex flex-col gap-1 px-5 py-2.5 sm:flex-row sm:items-start sm:gap-4">
                    <div className="min-w-0 flex-1">
                      <p className="flex items-center gap-2">
                        <Pill tone={m.kind === "receipt" ? "green" : m.kind === "dunning" ? "amber" : "neutral"}>
                          {messageKinds[m.kind] ?? m.kind}
                        </Pill>
                        <Link
                          href={`/w/${workspace.slug}/emails/${m.id}`}
                          className="min-w-0 truncate text-sm font-medium text-brand-700 hover:underline"
                        >
                          {m.subject}
                        </Link>
                      </p>
                      <p className="mt-0.5 truncate text-xs text-zinc-500">
                        To {m.to}
                        {m.firstClickedAt ? " · Opened and clicked" : m.firstOpenedAt ? " · Opened" : ""}
                        {m.caseId ? (
                          <>
                            {" · "}
                            <Link href={`${recoveries}/${m.caseId}`} className="font-medium text-brand-700 hover:underline">
                              View the case
                            </Link>
                          </>
                        ) : null}
                      </p>
                    </div>
                    <p className="shrink-0 text-xs text-zinc-500 sm:pt-0.5">
                      {m.sentAt ? (
                        <LocalTime date={m.sentAt} style="short" />
                      ) : (
                        <>
                          <LocalTime date={m.createdAt} style="short" /> (real time)
                        </>
                      )}
                    </p>
                  </li>
                ))}
              </ul>
            )}
            {state.outbox.length > 0 ? (
              <p className="border-t border-zinc-100 px-5 py-3 text-xs text-zinc-500">
                Open an email to see it as the customer would, and follow its links.
              </p>
            ) : null}
          </Card>
        </div>
      </div>
    </>
  );
}
