import type { Metadata } from "next";
import Link from "next/link";
import { ChevronRight, RotateCcw } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import type { CaseStatus } from "@/server/db/schema";
import { getConsoleWorkspace } from "@/server/console";
import { recordId, type RecoveryCaseListItem } from "@/server/queries/recoveries";
import { CaseStatusBadge, CategoryBadge, CohortBadge } from "./_components/badges";
import { FilterForm } from "./_components/filter-form";
import { activeFilterCount, listHref, parseFilters } from "./_components/filters";
import { LocalTime, Money } from "./_components/format";
import { caseStatusHelp, caseStatusLabels, recoveredViaLabels, stageLabels } from "./_components/labels";

export const metadata: Metadata = { title: "Recoveries" };

const tabs: { status: CaseStatus | null; label: string }[] = [
  { status: null, label: "All" },
  { status: "open", label: "Open" },
  { status: "recovered", label: "Recovered" },
  { status: "lost", label: "Lost" },
  { status: "silenced", label: "Silenced" },
  { status: "cancelled", label: "Cancelled" },
];

export default async function RecoveriesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const query = await searchParams;
  const workspaceId = workspace.id;
  const options = await api.recovery.filterOptions({ workspaceId });
  // Values the list cannot use are left out and named above the list (see parseFilters).
  const { filters, values, ignored } = parseFilters(query, options);
  const { status, ...otherFilters } = filters;
  const rawCursor = Array.isArray(query.cursor) ? query.cursor[0] : query.cursor;
  // A cursor is only ever written by this page's own links: anything else starts from the newest cases.
  const parsedCursor = recordId("").safeParse(rawCursor);
  const cursor = parsedCursor.success ? parsedCursor.data : undefined;
  const [page, counts] = await Promise.all([
    api.recovery.list({ workspaceId, ...filters, cursor }),
    api.recovery.counts({ workspaceId, ...otherFilters }),
  ]);
  // Every case of the workspace, whatever the filters: is there anything to filter at all?
  const workspaceTotal = options.declineCodes.reduce((sum, c) => sum + c.count, 0);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const filtering = activeFilterCount(values) > 0;
  const base = `/w/${workspace.slug}/recoveries`;
  const href = (s: CaseStatus | null | undefined, c?: string) => listHref(base, { ...values, status: s ?? undefined }, c);
  const clearHref = listHref(base, { status });
  const sandbox = workspace.mode === "sandbox";

  return (
    <>
      <PageHeader
        title="Recoveries"
        description="Every failed payment Reclaim is working on, and how each one ended. Open a case to see why each step happened."
        action={
          sandbox && workspaceTotal > 0 ? (
            <ButtonLink href={`/w/${workspace.slug}/sandbox`} variant="secondary" className="shrink-0 whitespace-nowrap">
              Open the sandbox
            </ButtonLink>
          ) : null
        }
      />
      {workspaceTotal === 0 ? (
        <EmptyState
          icon={RotateCcw}
          title="No recoveries yet"
          action={
            sandbox ? (
              <ButtonLink href={`/w/${workspace.slug}/sandbox`}>Simulate failed renewals</ButtonLink>
            ) : (
              <ButtonLink href={`/w/${workspace.slug}/integrations`}>Check your billing connection</ButtonLink>
            )
          }
        >
          Each failed invoice becomes a recovery case here, with its decline reason, planned retries and emails, and a timeline of
          everything that happened and why.{" "}
          {sandbox
            ? "This is a sandbox workspace: simulate a few failed renewals on the Sandbox page, then move its clock forward to watch Reclaim work."
            : "Cases appear as soon as your billing system reports a failed payment."}
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <FilterForm base={base} values={values} options={options} />

          {ignored.length > 0 ? (
            <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
              <p className="font-medium">Some filters in the address could not be used, so the list does not apply them:</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                {ignored.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </div>
          ) : null}

          <nav aria-label="Filter by status" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
            <ul className="flex min-w-max gap-1 border-b border-zinc-200">
              {tabs
                .filter((tab) => tab.status !== "cancelled" || counts.cancelled > 0 || status === "cancelled")
                .map((tab) => {
                  const active = (tab.status ?? undefined) === status;
                  const count = tab.status ? counts[tab.status] : total;
                  return (
                    <li key={tab.label}>
                      <Link
                        href={href(tab.status)}
                        aria-current={active ? "page" : undefined}
                        title={tab.status ? caseStatusHelp[tab.status] : "Every case"}
                        className={cn(
                          "-mb-px inline-flex min-h-10 items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium",
                          active
                            ? "border-brand-600 text-brand-700"
                            : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900",
                        )}
                      >
                        {tab.label}
                        <span
                          className={cn("rounded-full px-1.5 text-xs tabular-nums", active ? "bg-brand-50" : "bg-zinc-100 text-zinc-600")}
                        >
                          {count}
                        </span>
                      </Link>
                    </li>
                  );
                })}
            </ul>
          </nav>

          {page.items.length === 0 ? (
            <div className="rounded-xl border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm text-zinc-600">
              {cursor ? (
                <p>
                  There are no more cases on this page.{" "}
                  <Link href={href(status)} className="font-medium text-brand-700 underline">
                    Back to the newest
                  </Link>
                </p>
              ) : filtering ? (
                <>
                  <h2 className="text-base font-semibold text-zinc-900">No cases match these filters</h2>
                  <p className="mt-1">
                    {status ? `No ${caseStatusLabels[status].toLowerCase()} case matches them. ` : ""}
                    <Link href={clearHref} className="font-medium text-brand-700 underline">
                      Clear filters
                    </Link>
                  </p>
                </>
              ) : (
                <p>
                  No {status ? caseStatusLabels[status].toLowerCase() : ""} cases. {status ? caseStatusHelp[status] : ""}{" "}
                  <Link href={href(null)} className="font-medium text-brand-700 underline">
                    Show all cases
                  </Link>
                </p>
              )}
            </div>
          ) : (
            <>
              <CaseTable items={page.items} base={base} />
              <CaseCards items={page.items} base={base} />
            </>
          )}

          {cursor || page.nextCursor ? (
            <nav aria-label="Pages" className="flex items-center justify-between gap-3 text-sm">
              {cursor ? (
                <Link href={href(status)} className="font-medium text-brand-700 underline">
                  ← Newest cases
                </Link>
              ) : (
                <span />
              )}
              {page.nextCursor ? (
                <ButtonLink href={href(status, page.nextCursor)} variant="secondary">
                  Older cases
                </ButtonLink>
              ) : null}
            </nav>
          ) : null}
        </div>
      )}
    </>
  );
}

type Item = RecoveryCaseListItem;

function customerLabel(item: Item): string {
  return item.customerName ?? item.customerEmail ?? "Unknown customer";
}

function statusDetail(item: Item): string | null {
  if (item.status === "open") return stageLabels[item.stage] ?? null;
  if (item.status === "recovered" && item.recoveredVia) return `via ${recoveredViaLabels[item.recoveredVia] ?? item.recoveredVia}`;
  if (item.needsAttention) return "Needs your attention";
  return null;
}

function StatusCell({ item }: { item: Item }) {
  const detail = statusDetail(item);
  return (
    <div className="flex flex-col items-start gap-1">
      <span className="flex flex-wrap gap-1">
        <CaseStatusBadge status={item.status} />
        {/* Treatment is the norm; the holdout is what needs pointing out. */}
        {item.cohort === "holdout" ? <CohortBadge cohort={item.cohort} /> : null}
      </span>
      {detail ? <span className="whitespace-nowrap text-xs text-zinc-500">{detail}</span> : null}
    </div>
  );
}

function CaseTable({ items, base }: { items: Item[]; base: string }) {
  return (
    <div className="hidden overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm xl:block">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Recovery cases, newest first</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium uppercase tracking-wide text-zinc-500">
          <tr>
            <th scope="col" className="py-3 pl-4 pr-3">
              Customer
            </th>
            <th scope="col" className="px-3 py-3 text-right">
              Amount
            </th>
            <th scope="col" className="px-3 py-3">
              Decline
            </th>
            <th scope="col" className="px-3 py-3">
              Status
            </th>
            <th scope="col" className="px-3 py-3 text-right">
              Retries
            </th>
            <th scope="col" className="py-3 pl-3 pr-4">
              Opened
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {items.map((item) => (
            <tr key={item.id} className="relative align-top hover:bg-zinc-50 has-[a:focus-visible]:bg-brand-50">
              <td className="max-w-56 py-3 pl-4 pr-3">
                {/* The link covers the whole row, so any part of it opens the case. */}
                <Link href={`${base}/${item.id}`} className="block truncate font-medium text-zinc-900 after:absolute after:inset-0">
                  {customerLabel(item)}
                </Link>
                <p className="truncate text-xs text-zinc-500">
                  {item.invoiceNumber ?? item.invoiceExternalId}
                  {item.customerName && item.customerEmail ? ` · ${item.customerEmail}` : ""}
                </p>
              </td>
              <td className="whitespace-nowrap px-3 py-3 text-right font-medium tabular-nums text-zinc-900">
                <Money amount={item.amount} currency={item.currency} />
              </td>
              <td className="px-3 py-3">
                <div className="flex flex-col items-start gap-1">
                  <code className="text-xs text-zinc-700">{item.declineCode}</code>
                  <CategoryBadge category={item.declineCategory} />
                </div>
              </td>
              <td className="px-3 py-3">
                <StatusCell item={item} />
              </td>
              <td className="px-3 py-3 text-right tabular-nums text-zinc-700">{item.retryCount}</td>
              <td className="whitespace-nowrap py-3 pl-3 pr-4 text-zinc-700">
                <LocalTime date={item.openedAt} style="compact" />
                {item.closedAt ? (
                  <p className="text-xs text-zinc-500">
                    closed <LocalTime date={item.closedAt} style="compact" />
                  </p>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CaseCards({ items, base }: { items: Item[]; base: string }) {
  return (
    <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:hidden" aria-label="Recovery cases, newest first">
      {items.map((item) => (
        <li key={item.id}>
          <Link href={`${base}/${item.id}`} className="block rounded-xl border border-zinc-200 bg-white p-4 shadow-sm hover:bg-zinc-50">
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="truncate font-medium text-zinc-900">{customerLabel(item)}</p>
                <p className="truncate text-xs text-zinc-500">{item.invoiceNumber ?? item.invoiceExternalId}</p>
              </div>
              <div className="flex shrink-0 items-center gap-1 font-semibold tabular-nums text-zinc-900">
                <Money amount={item.amount} currency={item.currency} />
                <ChevronRight className="size-4 text-zinc-400" aria-hidden="true" />
              </div>
            </div>
            <div className="mt-3 flex flex-wrap items-center gap-1.5">
              <CaseStatusBadge status={item.status} />
              {item.cohort === "holdout" ? <CohortBadge cohort={item.cohort} /> : null}
              {statusDetail(item) ? <span className="text-xs text-zinc-500">{statusDetail(item)}</span> : null}
            </div>
            <div className="mt-2 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600">
              <CategoryBadge category={item.declineCategory} />
              <code>{item.declineCode}</code>
            </div>
            <p className="mt-2 text-xs text-zinc-500">
              Opened <LocalTime date={item.openedAt} style="short" /> · {item.retryCount} {item.retryCount === 1 ? "retry" : "retries"}
            </p>
          </Link>
        </li>
      ))}
    </ul>
  );
}
