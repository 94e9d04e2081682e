import type { Metadata } from "next";
import { Globe } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Domains" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Domains" description="Send email from your domain, and host the card-update page on it." />
      <EmptyState
        icon={Globe}
        title="No domains added yet"
        items={["Sender domain with its DNS records", "Card-update domain by CNAME", "Verification status you can re-check", "Periodic re-checks that warn you"]}
      >
        Add a sending domain so emails come from you, and a card-update domain (such as billing.yourcompany.com) so customers never leave your brand. Reclaim will show the DNS records to add and check them.
      </EmptyState>
    </>
  );
}
