import type { Metadata } from "next";
import { Activity, CreditCard, KeyRound, Plug } from "lucide-react";
import { ModeBadge } from "@/components/console/mode-banner";
import { buttonClass } from "@/components/ui/button";
import { Alert, Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { can } from "@/server/auth/permissions";
import { getConsoleWorkspace } from "@/server/console";
import { LocalTime } from "../recoveries/_components/format";
import { Pill } from "../recoveries/_components/badges";
import { ConnectKeyForm } from "./_components/connect-key-form";
import { CopyField, DisconnectButton, GoLiveForm } from "./_components/connection-actions";

export const metadata: Metadata = { title: "Integrations" };

const eventTones = { pending: "amber", processing: "amber", processed: "green", ignored: "neutral", failed: "red" } as const;

function Figure({ label, children, help }: { label: string; children: React.ReactNode; help?: string }) {
  return (
    <div>
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="mt-1 text-sm font-medium text-zinc-900">{children}</dd>
      {help ? <p className="mt-0.5 text-xs text-zinc-500">{help}</p> : null}
    </div>
  );
}

export default async function IntegrationsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const search = await searchParams;
  const data = await api.billing.connection({ workspaceId: workspace.id });
  const canManage = can(workspace.role, "billing.manage");
  const { connection, health } = data;
  const active = connection?.status === "active";
  const oauthMessage = typeof search.stripe === "string" ? search.stripe : null;

  return (
    <>
      <PageHeader title="Integrations" description="Connect the Stripe account whose failed payments Reclaim recovers." />
      <div className="space-y-6">
        {oauthMessage === "connected" ? <Alert tone="success">Stripe is connected through Stripe Connect.</Alert> : null}
        {oauthMessage && oauthMessage !== "connected" ? <Alert>{oauthMessage}</Alert> : null}

        {active && connection && health ? (
          <>
            <Card>
              <CardHeader
                title="Stripe"
                description={connection.method === "oauth" ? "Connected through Stripe Connect." : "Connected with a restricted API key."}
                action={canManage ? <DisconnectButton workspaceId={workspace.id} /> : null}
              />
              <dl className="grid gap-5 p-5 sm:grid-cols-2 lg:grid-cols-4">
                <Figure label="Account">
                  {connection.accountName ?? "Name not readable with this key"}
                  {connection.accountId ? <span className="block font-mono text-xs font-normal text-zinc-500">{connection.accountId}</span> : null}
                </Figure>
                <Figure label="Stripe mode">
                  {connection.livemode ? <Pill tone="green">Live keys</Pill> : <Pill tone="amber">Test-mode keys</Pill>}
                </Figure>
                <Figure label="Workspace mode">
                  <ModeBadge mode={workspace.mode} />
                </Figure>
                <Figure label="Connected">
                  <LocalTime date={connection.connectedAt} />
                </Figure>
              </dl>
            </Card>

            <Card>
              <CardHeader title="Health" description="What Stripe has sent and how Reclaim handled it. Refreshed on every visit." />
              <dl className="grid gap-5 p-5 sm:grid-cols-2 lg:grid-cols-3">
                <Figure label="Last event received">
                  {health.lastEventAt ? (
                    <>
                      <span className="font-mono text-xs">{health.lastEventType}</span>
                      <span className="block font-normal text-zinc-600">
                        <LocalTime date={health.lastEventAt} />
                      </span>
                    </>
                  ) : (
                    <span className="font-normal text-zinc-600">None yet: add the webhook endpoint in Stripe.</span>
                  )}
                </Figure>
                <Figure label="Events in the last 24 hours" help="Events Reclaim acts on; others are acknowledged and not kept.">
                  {health.eventsLast24h.toLocaleString("en-US")}
                  {health.waiting > 0 ? <span className="block font-normal text-zinc-600">{health.waiting} waiting to be processed</span> : null}
                </Figure>
                <Figure label="Signature failures" help="Deliveries refused because the signature did not match: check the signing secret.">
                  {health.signatureFailures === 0 ? (
                    "None"
                  ) : (
                    <span className="text-red-700">
                      {health.signatureFailures.toLocaleString("en-US")}
                      {health.lastSignatureFailureAt ? (
                        <span className="block font-normal">
                          last <LocalTime date={health.lastSignatureFailureAt} />
                        </span>
                      ) : null}
                    </span>
                  )}
                </Figure>
                <Figure label="Last error">
                  {health.lastError && health.lastErrorAt ? (
                    <span className="font-normal text-red-700">
                      {health.lastError}
                      <span className="block text-zinc-600">
                        <LocalTime date={health.lastErrorAt} />
                      </span>
                    </span>
                  ) : (
                    "None"
                  )}
                </Figure>
                <Figure
                  label="Stripe's Smart Retries"
                  help="Seen when an invoice shows a retry scheduled by Stripe. With outreach only (set in the sequence), Reclaim leaves retries to Stripe; otherwise turn Smart Retries off so customers are not charged by both."
                >
                  {health.providerRetriesRecent && health.providerRetriesSeenAt ? (
                    <span>
                      Appear to be on <span className="font-normal text-zinc-600">(seen <LocalTime date={health.providerRetriesSeenAt} style="date" />)</span>
                    </span>
                  ) : (
                    <span className="font-normal text-zinc-600">Not seen in the last 30 days</span>
                  )}
                </Figure>
                <Figure label="Failed events" help="Tried 8 times over about two hours without success; see the list below.">
                  {health.failed === 0 ? "None" : <span className="text-red-700">{health.failed}</span>}
                </Figure>
              </dl>
            </Card>

            {workspace.mode === "sandbox" ? (
              <Card>
                <CardHeader
                  title="Go live"
                  description="Until you switch, Reclaim receives Stripe's events and shows them here but acts on none of them: this workspace keeps its sandbox. After the switch, it retries, emails and applies final actions on real customers."
                />
                <div className="p-5">
                  {!connection.livemode ? (
                    <Alert tone="info">These are test-mode keys: they check the connection and its webhook. Connect with live-mode keys to go live.</Alert>
                  ) : canManage ? (
                    <GoLiveForm workspaceId={workspace.id} workspaceName={workspace.name} />
                  ) : (
                    <p className="text-sm text-zinc-600">Only owners and admins can switch the workspace to live.</p>
                  )}
                </div>
              </Card>
            ) : null}

            {connection.method === "api_key" ? (
              <Card>
                <CardHeader title="Webhook endpoint" description="Stripe must send these events to this address (Developers → Webhooks → Add endpoint, API version 2026-10-28.endive)." />
                <div className="space-y-4 p-5">
                  <CopyField id="webhook-url" label="Endpoint URL" value={data.webhookUrl} />
                  <EventList events={data.handledEvents} />
                </div>
              </Card>
            ) : null}

            <Card>
              <CardHeader title="Recent events" description="The last events Reclaim keeps, newest first." />
              {data.recentEvents.length === 0 ? (
                <div className="flex items-center gap-3 p-5 text-sm text-zinc-600">
                  <Activity className="size-5 text-zinc-400" aria-hidden="true" />
                  No event yet. Stripe sends one when a payment fails or an invoice changes; a test event from Stripe&apos;s dashboard shows here too.
                </div>
              ) : (
                <div className="overflow-x-auto">
                  <table className="min-w-full divide-y divide-zinc-100 text-sm">
                    <thead className="bg-zinc-50 text-left text-xs uppercase tracking-wide text-zinc-500">
                      <tr>
                        <th scope="col" className="px-5 py-2 font-medium">Received</th>
                        <th scope="col" className="px-5 py-2 font-medium">Event</th>
                        <th scope="col" className="px-5 py-2 font-medium">Status</th>
                        <th scope="col" className="px-5 py-2 font-medium">What Reclaim did</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-zinc-100">
                      {data.recentEvents.map((event) => (
                        <tr key={event.eventId}>
                          <td className="whitespace-nowrap px-5 py-2 text-zinc-600">
                            <LocalTime date={event.receivedAt} style="compact" />
                          </td>
                          <td className="px-5 py-2">
                            <span className="font-mono text-xs">{event.type}</span>
                            <span className="block font-mono text-xs text-zinc-500">{event.eventId}</span>
                          </td>
                          <td className="px-5 py-2">
                            <Pill tone={eventTones[event.status]}>{event.status}</Pill>
                          </td>
                          <td className="px-5 py-2 text-zinc-700">{event.result ?? "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </>
        ) : (
          <>
            {connection?.status === "disconnected" ? (
              <Alert tone="info">
                Stripe was disconnected{connection.disconnectedAt ? <> on <LocalTime date={connection.disconnectedAt} /></> : null}
                {connection.disconnectReason ? `: ${connection.disconnectReason}` : "."} Connect again to resume live recovery.
              </Alert>
            ) : null}
            <Card>
              <CardHeader
                title="Connect Stripe"
                description="Reclaim reads failed invoices and their declines, retries them, lets customers put a new card on file with Stripe Elements, and applies the final action you choose. Card data never reaches Reclaim."
              />
              <div className="grid gap-8 p-5 lg:grid-cols-2">
                {data.connectAvailable ? (
                  <div className="space-y-3 lg:col-span-2">
                    <h3 className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
                      <Plug className="size-4" aria-hidden="true" /> With Stripe Connect
                    </h3>
                    <p className="text-sm text-zinc-600">Sign in to Stripe and allow Reclaim: nothing to copy, and the events come through this deployment&apos;s Connect endpoint.</p>
                    {canManage ? (
                      // A plain link, not the client router: the answer is a redirect to Stripe's own site.
                      <a href={`/w/${workspace.slug}/integrations/stripe/connect`} className={buttonClass()}>
                        Connect with Stripe
                      </a>
                    ) : null}
                  </div>
                ) : null}
                <div className="space-y-4">
                  <h3 className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
                    <KeyRound className="size-4" aria-hidden="true" /> With a restricted key
                  </h3>
                  <ol className="list-decimal space-y-1 pl-5 text-sm text-zinc-600">
                    <li>In Stripe, create a restricted key (Developers → API keys) with the permissions listed here.</li>
                    <li>Add a webhook endpoint with the address and events below, and copy its signing secret.</li>
                    <li>Paste the key, the publishable key and the signing secret.</li>
                  </ol>
                  {canManage ? <ConnectKeyForm workspaceId={workspace.id} /> : <p className="text-sm text-zinc-600">Only owners and admins can connect billing.</p>}
                </div>
                <div className="space-y-4">
                  <h3 className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
                    <CreditCard className="size-4" aria-hidden="true" /> What the key needs
                  </h3>
                  <table className="min-w-full text-sm">
                    <caption className="sr-only">Permissions of the restricted key</caption>
                    <thead className="text-left text-xs uppercase tracking-wide text-zinc-500">
                      <tr>
                        <th scope="col" className="py-1 pr-3 font-medium">Resource</th>
                        <th scope="col" className="py-1 pr-3 font-medium">Access</th>
                        <th scope="col" className="py-1 font-medium">Why</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-zinc-100">
                      {data.requiredPermissions.map((p) => (
                        <tr key={p.resource}>
                          <td className="py-1.5 pr-3 font-medium text-zinc-900">{p.resource}</td>
                          <td className="py-1.5 pr-3 text-zinc-700">{p.access}</td>
                          <td className="py-1.5 text-zinc-600">{p.why}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <CopyField id="webhook-url" label="Webhook endpoint URL" value={data.webhookUrl} />
                  <EventList events={data.handledEvents} />
                </div>
              </div>
            </Card>
          </>
        )}
      </div>
    </>
  );
}

function EventList({ events }: { events: string[] }) {
  return (
    <div>
      <p className="text-sm font-medium text-zinc-800">Events to send</p>
      <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Events to send">
        {events.map((event) => (
          <li key={event} className="rounded bg-zinc-100 px-2 py-0.5 font-mono text-xs text-zinc-700">
            {event}
          </li>
        ))}
      </ul>
    </div>
  );
}
