import type { ReactNode } from "react";
import Link from "next/link";
import { ArrowDownRight, ArrowUpRight, Sparkles } from "lucide-react";
import { Card } from "@/components/ui/card";
import type { Overview, RecoveredRevenue } from "@/server/analytics/overview";
import { Money } from "../../recoveries/_components/format";
import { attemptSourceLabels } from "../../recoveries/_components/labels";
import { formatPercentChange, formatShare, plural } from "./overview-format";

function Stat({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Card className="flex min-w-0 flex-col p-5">
      <h3 className="text-sm font-medium text-zinc-600">{title}</h3>
      <div className="mt-2 flex-1">{children}</div>
      {footer ? <div className="mt-3 border-t border-zinc-100 pt-3 text-xs leading-5 text-zinc-500">{footer}</div> : null}
    </Card>
  );
}

const big = "text-2xl font-semibold tracking-tight tabular-nums text-zinc-900";

function Change({ r }: { r: RecoveredRevenue }) {
  if (r.change.isNew) {
    return (
      <p className="flex items-center gap-1 text-sm text-emerald-700">
        <Sparkles className="size-4 shrink-0" aria-hidden="true" />
        New: nothing recovered in the previous period
      </p>
    );
  }
  if (r.change.absolute === 0) return <p className="text-sm text-zinc-600">Same as the previous period</p>;
  const up = r.change.absolute > 0;
  const Icon = up ? ArrowUpRight : ArrowDownRight;
  return (
    <p className={up ? "flex flex-wrap items-center gap-1 text-sm text-emerald-700" : "flex flex-wrap items-center gap-1 text-sm text-red-700"}>
      <Icon className="size-4 shrink-0" aria-hidden="true" />
      <span>
        {up ? "Up" : "Down"} {r.change.percent === null ? "" : formatPercentChange(r.change.percent)} (
        {up ? "+" : "−"}
        <Money amount={Math.abs(r.change.absolute)} currency={r.currency} />) on the previous period
      </span>
    </p>
  );
}

/** The headline figures: recovered, at risk, recovery rate, active recoveries; then attempts and email engagement. */
export function SummaryCards({ overview, slug }: { overview: Overview; slug: string }) {
  const { recovered, atRisk, recoveryRate: rate, active, attempts, emails } = overview;
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat
          title="Recovered revenue"
          footer="Paid in the period, by currency, against the previous period of the same length."
        >
          {recovered.length === 0 ? (
            <p className="text-sm text-zinc-600">Nothing recovered in this period or the one before.</p>
          ) : (
            <ul className="space-y-3">
              {recovered.map((r) => (
                <li key={r.currency}>
                  <p className={big}>
                    <Money amount={r.amount} currency={r.currency} />
                  </p>
                  <Change r={r} />
                  <p className="text-xs text-zinc-500">
                    {plural(r.cases, "invoice")}
                    {r.holdoutAmount > 0 ? (
                      <>
                        , including <Money amount={r.holdoutAmount} currency={r.currency} /> from the holdout group
                      </>
                    ) : null}
                    {r.change.isNew ? null : (
                      <>
                        {" · before: "}
                        <Money amount={r.previousAmount} currency={r.currency} />
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Stat>

        <Stat title="At risk now" footer="Open invoices, by currency. The split by dunning step is below.">
          {atRisk.length === 0 ? (
            <p className="text-sm text-zinc-600">Nothing at risk now.</p>
          ) : (
            <ul className="space-y-3">
              {atRisk.map((a) => (
                <li key={a.currency}>
                  <p className={big}>
                    <Money amount={a.amount} currency={a.currency} />
                  </p>
                  <p className="text-xs text-zinc-500">{plural(a.cases, "open invoice")}</p>
                </li>
              ))}
            </ul>
          )}
        </Stat>

        <Stat
          title="Recovery rate"
          footer={
            rate.closed.total > 0 ? (
              <>
                Closed in the period: {rate.closed.recovered} recovered, {rate.closed.lost} lost, {rate.closed.silenced} silenced,{" "}
                {rate.closed.cancelled} cancelled.
              </>
            ) : (
              "No case closed in this period."
            )
          }
        >
          <p className={big}>{formatShare(rate.rate)}</p>
          <p className="text-sm text-zinc-600">
            {rate.closed.total > 0
              ? `${rate.closed.recovered} of ${plural(rate.closed.total, "case")} closed in the period recovered.`
              : "Nothing to measure yet."}
          </p>
          <p className="mt-2 text-sm text-zinc-600">
            {rate.opened > 0
              ? `${formatShare(rate.stillOpenShare)} of the ${plural(rate.opened, "case")} opened in the period still open.`
              : "No case opened in this period."}
          </p>
        </Stat>

        <Stat
          title="Active recoveries"
          footer={
            <Link href={`/w/${slug}/recoveries?status=open`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
              See the open cases
            </Link>
          }
        >
          <p className={big}>{active.cases.toLocaleString("en-US")}</p>
          <p className="text-sm text-zinc-600">
            {active.cases === 0
              ? "No case open now."
              : `Open now, for ${plural(active.customers, "customer")}${active.holdoutCases > 0 ? `; ${active.holdoutCases} in the holdout group` : ""}.`}
          </p>
        </Stat>
      </div>

      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <Stat
          title="Payment attempts"
          footer={
            attempts.failedRenewals > 0
              ? `Plus ${plural(attempts.failedRenewals, "renewal charge")} that failed and opened a case.`
              : "Retries and charges after a card update, in the period."
          }
        >
          <p className={big}>{attempts.total.toLocaleString("en-US")}</p>
          <p className="text-sm text-zinc-600">
            {attempts.total > 0 ? `${attempts.succeeded.toLocaleString("en-US")} succeeded.` : "No retry or card charge in this period."}
          </p>
          {attempts.bySource.some((b) => b.source !== "initial") ? (
            <ul className="mt-2 space-y-0.5 text-xs text-zinc-600">
              {attempts.bySource
                .filter((b) => b.source !== "initial")
                .map((b) => (
                  <li key={b.source} className="flex justify-between gap-2">
                    <span>{attemptSourceLabels[b.source] ?? b.source}</span>
                    <span className="tabular-nums">
                      {b.total} ({b.succeeded} paid)
                    </span>
                  </li>
                ))}
            </ul>
          ) : null}
        </Stat>

        <Stat title="Email open rate" footer="Where known: an open is counted only when the mail client loads images.">
          <p className={big}>{formatShare(emails.openRate)}</p>
          <p className="text-sm text-zinc-600">
            {emails.sent > 0 ? `${emails.opened} of ${plural(emails.sent, "dunning email")} sent in the period opened.` : "No dunning email sent in this period."}
          </p>
        </Stat>

        <Stat title="Email click rate" footer="A click is counted when the customer follows the card-update link.">
          <p className={big}>{formatShare(emails.clickRate)}</p>
          <p className="text-sm text-zinc-600">
            {emails.sent > 0 ? `${emails.clicked} of ${plural(emails.sent, "dunning email")} sent in the period clicked.` : "No dunning email sent in this period."}
          </p>
        </Stat>
      </div>
    </div>
  );
}
