import type { Metadata } from "next";
import { Plug } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Integrations" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Integrations" description="Connect the billing system whose failed payments Reclaim recovers." />
      <EmptyState
        icon={Plug}
        title="No billing system connected"
        items={["Stripe: OAuth or restricted key", "Webhook health and last events", "Email through Resend, SMS through Twilio", "A switch from sandbox to live once connected"]}
      >
        Connect Stripe with Connect OAuth or a restricted API key. Until then this workspace runs on the sandbox billing provider with simulated customers.
      </EmptyState>
    </>
  );
}
