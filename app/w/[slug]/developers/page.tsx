import type { Metadata } from "next";
import { CodeXml } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Developers" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Developers" description="API keys and outgoing webhooks for your own systems." />
      <EmptyState
        icon={CodeXml}
        title="No API keys yet"
        items={["API keys with scopes", "Outgoing webhooks with signed payloads", "Event log with retries", "The REST events API for other billing systems"]}
      >
        Create API keys to send payment events from any billing system and to read recoveries, and register webhooks to hear about recovered and lost payments.
      </EmptyState>
    </>
  );
}
