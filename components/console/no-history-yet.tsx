import type { LucideIcon } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

/**
 * The empty state of a page built on recovery history (Overview, Analytics)
 * when the workspace has no case in its mode yet: what the page will show,
 * and the next step (the sandbox and sample data, or the billing connection).
 */
export function NoHistoryYet({
  slug,
  sandbox,
  icon,
  title,
  items,
  fillsWith,
}: {
  slug: string;
  sandbox: boolean;
  icon: LucideIcon;
  title: string;
  /** What the page will show. */
  items: string[];
  /** How the sandbox sentence ends: "this page fills with …". */
  fillsWith: string;
}) {
  return (
    <EmptyState
      icon={icon}
      title={title}
      items={items}
      action={
        sandbox ? (
          <ButtonLink href={`/w/${slug}/sandbox`}>Simulate failed renewals</ButtonLink>
        ) : (
          <ButtonLink href={`/w/${slug}/integrations`}>Check your billing connection</ButtonLink>
        )
      }
    >
      {sandbox ? (
        <>
          <p>
            This is a sandbox workspace. Simulate a few failed renewals on the Sandbox page, then move its test clock forward a few days:
            Reclaim retries, emails the simulated customers, and this page fills with {fillsWith}.
          </p>
          <p className="mt-2">
            For a longer history at once, load sample data from a terminal:{" "}
            <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs text-zinc-800">npm run reclaim -- seed:history --workspace {slug}</code>
          </p>
        </>
      ) : (
        <p>
          Live figures appear here as soon as your billing system reports a failed payment and Reclaim opens a recovery. If failed payments
          should have arrived by now, check your billing connection. Sandbox figures are kept apart and are not shown in a live workspace.
        </p>
      )}
    </EmptyState>
  );
}
