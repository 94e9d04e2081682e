import type { Metadata } from "next";
import { Palette } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Branding" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Branding" description="How emails and the card-update page look to your customers." />
      <EmptyState
        icon={Palette}
        title="Your brand is not set up yet"
        items={["Logo and accent colour", "Sender name and support address", "A live preview of each email", "The card-update page your customers see"]}
      >
        Your name, logo, colour and support address will appear on every email and on the page where customers update their card.
      </EmptyState>
    </>
  );
}
