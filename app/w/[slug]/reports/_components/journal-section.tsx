import type { ReactNode } from "react";
import { channelDescriptions, type JournalSummary } from "@/server/analytics/journal";
import type { RecoveryChannel } from "@/server/db/schema";
import { LocalTime, Money } from "../../recoveries/_components/format";
import { count, decimal } from "./wording";

/** The recovered-revenue journal: per-currency totals, the latest payments, and the download. */
export function JournalSection({
  journal,
  periodText,
  download,
  showLatest = true,
}: {
  journal: JournalSummary;
  periodText: string;
  download?: ReactNode;
  showLatest?: boolean;
}) {
  return (
    <section aria-labelledby="journal" className="space-y-4 print:break-before-page" data-testid="journal">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h2 id="journal" className="text-lg font-semibold text-zinc-900">
            Recovered-revenue journal
          </h2>
          <p className="mt-1 max-w-2xl text-sm text-zinc-600">
            One row per recovered payment <strong>paid</strong> {periodText} (by the date the invoice was paid, not the day it failed), with
            the date paid, customer, invoice, amount, currency and channel, so receivables can post the receipts and revenue held back on
            past-due subscriptions can be recognised when the payment cleared. Payments by holdout customers are included and marked as
            such.
          </p>
        </div>
        {download}
      </div>

      {journal.payments === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-5 py-6 text-sm text-zinc-600">
          No recovered payment was paid in this period. Choose a longer period, or come back once recoveries close.
        </p>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm print:shadow-none">
            <table className="w-full text-sm">
              <caption className="sr-only">Recovered payments per currency</caption>
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th scope="col" className="py-2 pl-4 pr-3 text-left font-medium">
                    Currency
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Payments
                  </th>
                  <th scope="col" className="py-2 pl-3 pr-4 text-right font-medium">
                    Total paid
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {journal.totals.map((total) => (
                  <tr key={total.currency} data-testid={`journal-total-${total.currency}`}>
                    <th scope="row" className="py-2 pl-4 pr-3 text-left font-medium text-zinc-900">
                      {total.currency}
                    </th>
                    <td className="px-3 py-2 text-right tabular-nums" data-testid="payments" data-count={total.payments}>
                      {count(total.payments)}
                    </td>
                    <td
                      className="py-2 pl-3 pr-4 text-right font-medium tabular-nums"
                      data-testid="amount"
                      data-amount={decimal(total.amount, total.currency)}
                    >
                      <Money amount={Number(total.amount)} currency={total.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {showLatest ? (
            <div>
              <h3 className="mb-2 text-sm font-semibold text-zinc-900">
                Latest {journal.latest.length === 1 ? "payment" : `${journal.latest.length} payments`}
                {journal.payments > journal.latest.length ? ` of ${count(journal.payments)}` : ""}
              </h3>
              <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white text-sm shadow-sm">
                {journal.latest.map((row) => (
                  <li key={row.caseId} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-2.5">
                    <div className="min-w-0">
                      <p className="truncate font-medium text-zinc-900">{row.customerName ?? row.customerId}</p>
                      <p className="text-xs text-zinc-500">
                        {row.invoiceNumber} · {channelLabel(row.channel)}
                        {row.cohort === "holdout" ? " · holdout" : ""}
                      </p>
                    </div>
                    <div className="text-right">
                      <p className="font-medium tabular-nums">
                        <Money amount={row.amount} currency={row.currency} />
                      </p>
                      <p className="text-xs text-zinc-500">
                        <LocalTime date={row.paidAt} style="date" />
                      </p>
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      )}

      <details className="rounded-md text-sm text-zinc-600 print:hidden">
        <summary className="cursor-pointer font-medium text-zinc-800 focus-visible:outline-2 focus-visible:outline-brand-500">
          What the file&apos;s columns mean
        </summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>
            <code>date_paid</code> (UTC day) and <code>paid_at</code> (exact time, UTC): when the invoice was paid.
          </li>
          <li>
            <code>customer_id</code>, <code>invoice_id</code>, <code>subscription_id</code>: the billing provider&apos;s ids;{" "}
            <code>invoice_number</code> is the invoice&apos;s number (its id when it has none).
          </li>
          <li>
            <code>amount</code> in the currency&apos;s major units (49.90, or 1200 for JPY) and <code>currency</code> as an ISO 4217 code.
            Add amounts of one currency only.
          </li>
          <li>
            <code>channel</code>:{" "}
            {(Object.entries(channelDescriptions) as [RecoveryChannel, string][]).map(([code, text], i, all) => (
              <span key={code}>
                <code>{code}</code> {text}
                {i < all.length - 1 ? "; " : "."}
              </span>
            ))}
          </li>
          <li>
            <code>cohort</code>: <code>treatment</code> or <code>holdout</code>; <code>case_id</code>: the recovery case in Reclaim.
          </li>
          <li>Text cells that a spreadsheet would run as a formula (starting with =, +, -, @) begin with an apostrophe.</li>
        </ul>
      </details>
    </section>
  );
}

function channelLabel(channel: RecoveryChannel | null): string {
  if (!channel) return "paid";
  const text = channelDescriptions[channel];
  return text.charAt(0).toUpperCase() + text.slice(1);
}
