import Link from "next/link";
import { ChevronRight } from "lucide-react";
import type { RecentCase } from "@/server/analytics/overview";
import { CaseStatusBadge, CohortBadge } from "../../recoveries/_components/badges";
import { LocalTime, Money } from "../../recoveries/_components/format";
import { recoveredViaLabels } from "../../recoveries/_components/labels";

/** The newest recoveries or failures of the period; each opens its case. */
export function RecentCases({
  title,
  items,
  slug,
  empty,
  headingId,
}: {
  title: string;
  items: RecentCase[];
  slug: string;
  empty: string;
  headingId: string;
}) {
  return (
    <section aria-labelledby={headingId} className="min-w-0 rounded-xl border border-zinc-200 bg-white shadow-sm">
      <h3 id={headingId} className="border-b border-zinc-100 px-4 py-3 text-sm font-semibold text-zinc-900">
        {title}
      </h3>
      {items.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-zinc-600">{empty}</p>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {items.map((item) => (
            <li key={item.id}>
              <Link
                href={`/w/${slug}/recoveries/${item.id}`}
                className="flex items-center gap-3 px-4 py-3 hover:bg-zinc-50 focus-visible:bg-brand-50"
              >
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-zinc-900">{item.customerName ?? item.customerEmail ?? "Unknown customer"}</p>
                  <p className="truncate text-xs text-zinc-500">
                    {item.invoiceNumber} · <LocalTime date={item.closedAt} style="compact" />
                  </p>
                  <div className="mt-1 flex flex-wrap items-center gap-1.5">
                    {item.status === "recovered" ? (
                      item.recoveredVia ? (
                        <span className="text-xs text-zinc-600">via {recoveredViaLabels[item.recoveredVia] ?? item.recoveredVia}</span>
                      ) : null
                    ) : (
                      <>
                        <CaseStatusBadge status={item.status} />
                        <code className="text-xs text-zinc-600">{item.declineCode}</code>
                      </>
                    )}
                    {item.cohort === "holdout" ? <CohortBadge cohort={item.cohort} /> : null}
                  </div>
                </div>
                <span className="shrink-0 text-sm font-semibold tabular-nums text-zinc-900">
                  <Money amount={item.status === "recovered" ? (item.recoveredAmount ?? item.amount) : item.amount} currency={item.currency} />
                </span>
                <ChevronRight className="size-4 shrink-0 text-zinc-400" aria-hidden="true" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
