import { AlertTriangle, CheckCircle2, Info, MinusCircle, XCircle } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { CurrencyLift, LiftComparison } from "@/server/analytics/lift";
import { Money } from "../../recoveries/_components/format";
import { formatPValue } from "@/server/analytics/stats";
import { count, decimal, percent, points, rateVerdict, revenueVerdict, type Verdict } from "./wording";

const verdictStyles: Record<Verdict["tone"], { box: string; icon: typeof Info }> = {
  positive: { box: "border-emerald-200 bg-emerald-50 text-emerald-900", icon: CheckCircle2 },
  negative: { box: "border-red-200 bg-red-50 text-red-900", icon: XCircle },
  neutral: { box: "border-zinc-200 bg-zinc-50 text-zinc-800", icon: MinusCircle },
  warning: { box: "border-amber-300 bg-amber-50 text-amber-950", icon: AlertTriangle },
  unavailable: { box: "border-sky-200 bg-sky-50 text-sky-900", icon: Info },
};

export function VerdictBox({ verdict, className }: { verdict: Verdict; className?: string }) {
  const { box, icon: Icon } = verdictStyles[verdict.tone];
  return (
    <div className={cn("flex gap-2.5 rounded-md border px-4 py-3 text-sm leading-6 print:break-inside-avoid", box, className)}>
      <Icon className="mt-1 size-4 shrink-0" aria-hidden="true" />
      <p>{verdict.text}</p>
    </div>
  );
}

/**
 * The plain warning when a group is too small for the recovery-rate comparison, with every reason stats.ts gave.
 * A currency too small for the revenue comparison says so on its own card instead.
 */
export function SmallSampleWarning({ comparison }: { comparison: LiftComparison }) {
  const warnings = comparison.rate.warnings;
  if (warnings.length === 0) return null;
  return (
    <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 print:break-inside-avoid">
      <p className="flex items-center gap-2 font-semibold">
        <AlertTriangle className="size-4 shrink-0" aria-hidden="true" />
        Too few cases to conclude anything
      </p>
      <p className="mt-1">
        Treat the figures below as a description of what happened, not as evidence that Reclaim did or did not make a difference.
      </p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {warnings.map((w) => (
          <li key={w.message}>{w.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** Counts and recovery rates of both groups, and the difference with its interval and p-value. */
export function RateTable({ comparison, caption }: { comparison: LiftComparison; caption: string }) {
  const { rate, treatment, holdout } = comparison;
  const th = "px-3 py-2 text-right font-medium";
  const td = "px-3 py-2 text-right tabular-nums";
  const label = "py-2 pl-4 pr-3 text-left font-normal text-zinc-600";
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm print:shadow-none">
      <table className="w-full min-w-[22rem] text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <td className="py-2 pl-4 pr-3" />
            <th scope="col" className={th}>
              Treatment
              <span className="block normal-case tracking-normal text-zinc-400">got outreach</span>
            </th>
            <th scope="col" className={th}>
              Holdout
              <span className="block normal-case tracking-normal text-zinc-400">got nothing</span>
            </th>
            <th scope="col" className={cn(th, "pr-4")}>
              Difference
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          <tr>
            <th scope="row" className={label}>
              Cases opened
            </th>
            <td className={td} data-testid="treatment-cases">
              {count(treatment.cases)}
            </td>
            <td className={td} data-testid="holdout-cases">
              {count(holdout.cases)}
            </td>
            <td className={cn(td, "pr-4 text-zinc-400")} />
          </tr>
          <tr>
            <th scope="row" className={label}>
              Recovered
            </th>
            <td className={td} data-testid="treatment-recovered">
              {count(treatment.recovered)}
            </td>
            <td className={td} data-testid="holdout-recovered">
              {count(holdout.recovered)}
            </td>
            <td className={cn(td, "pr-4")} />
          </tr>
          <tr>
            <th scope="row" className={label}>
              Still open
            </th>
            <td className={td} data-testid="treatment-open">
              {count(treatment.open)}
            </td>
            <td className={td} data-testid="holdout-open">
              {count(holdout.open)}
            </td>
            <td className={cn(td, "pr-4")} />
          </tr>
          <tr className="font-medium text-zinc-900">
            <th scope="row" className={cn(label, "font-medium text-zinc-900")}>
              Recovery rate
            </th>
            <td className={td} data-testid="treatment-rate">
              {rate.treatment ? percent(rate.treatment.rate) : "—"}
            </td>
            <td className={td} data-testid="holdout-rate">
              {rate.holdout ? percent(rate.holdout.rate) : "—"}
            </td>
            <td className={cn(td, "pr-4")} data-testid="rate-difference">
              {rate.status === "unavailable" ? "—" : points(rate.difference)}
            </td>
          </tr>
          <tr className="text-zinc-600">
            <th scope="row" className={label}>
              95% interval
            </th>
            <td className={td}>
              {rate.treatment ? `${percent(rate.treatment.interval.lower)} to ${percent(rate.treatment.interval.upper)}` : "—"}
            </td>
            <td className={td}>
              {rate.holdout ? `${percent(rate.holdout.interval.lower)} to ${percent(rate.holdout.interval.upper)}` : "—"}
            </td>
            <td className={cn(td, "pr-4")} data-testid="rate-difference-interval">
              {rate.status === "unavailable" ? "—" : `${points(rate.differenceInterval.lower)} to ${points(rate.differenceInterval.upper)}`}
            </td>
          </tr>
          <tr className="text-zinc-600">
            <th scope="row" className={label}>
              p-value
            </th>
            <td className={td} />
            <td className={td} />
            <td className={cn(td, "pr-4")} data-testid="rate-p-value">
              {rate.status === "unavailable" ? "—" : formatPValue(rate.pValue)}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** One currency: what each group recovered, and the incremental revenue with its interval. */
export function RevenueCard({ figures, headingLevel = 4 }: { figures: CurrencyLift; headingLevel?: 4 | 5 }) {
  const Heading = headingLevel === 4 ? "h4" : "h5";
  const { currency, treatment, holdout, incremental } = figures;
  const verdict = revenueVerdict(figures);
  const row = "flex items-baseline justify-between gap-3 py-1.5";
  return (
    <section
      className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm print:break-inside-avoid print:shadow-none"
      aria-label={`Revenue in ${currency}`}
      data-testid={`revenue-${currency}`}
    >
      <Heading className="flex items-center justify-between text-sm font-semibold text-zinc-900">
        {currency}
        <span className="text-xs font-normal text-zinc-500">
          {count(treatment.cases + holdout.cases)} {treatment.cases + holdout.cases === 1 ? "case" : "cases"}
        </span>
      </Heading>
      <dl className="mt-2 divide-y divide-zinc-100 text-sm">
        <div className={row}>
          <dt className="text-zinc-600">
            Recovered, treatment{" "}
            <span className="text-zinc-400">
              ({count(treatment.recovered)} of {count(treatment.cases)})
            </span>
          </dt>
          <dd
            className="font-medium tabular-nums"
            data-testid="treatment-amount"
            data-amount={decimal(treatment.recoveredAmount, currency)}
          >
            <Money amount={Number(treatment.recoveredAmount)} currency={currency} />
          </dd>
        </div>
        <div className={row}>
          <dt className="text-zinc-600">
            Recovered, holdout{" "}
            <span className="text-zinc-400">
              ({count(holdout.recovered)} of {count(holdout.cases)})
            </span>
          </dt>
          <dd className="font-medium tabular-nums" data-testid="holdout-amount" data-amount={decimal(holdout.recoveredAmount, currency)}>
            <Money amount={Number(holdout.recoveredAmount)} currency={currency} />
          </dd>
        </div>
        <div className={row}>
          <dt className="font-medium text-zinc-900">Incremental revenue</dt>
          <dd
            className="text-base font-semibold tabular-nums text-zinc-900"
            data-testid="incremental-amount"
            data-amount={incremental.amount === null ? "" : decimal(incremental.amount, currency)}
          >
            {incremental.amount === null ? "—" : <Money amount={incremental.amount} currency={currency} />}
          </dd>
        </div>
        <div className={row}>
          <dt className="text-zinc-600">95% interval</dt>
          <dd className="tabular-nums text-zinc-700">
            {incremental.status === "ok" ? (
              <>
                <Money amount={incremental.interval.lower} currency={currency} /> to{" "}
                <Money amount={incremental.interval.upper} currency={currency} />
              </>
            ) : (
              "—"
            )}
          </dd>
        </div>
        <div className={row}>
          <dt className="text-zinc-600">p-value</dt>
          <dd className="tabular-nums text-zinc-700">{incremental.status === "ok" ? formatPValue(incremental.pValue) : "—"}</dd>
        </div>
      </dl>
      <VerdictBox verdict={verdict} className="mt-3 py-2 text-xs leading-5" />
      {incremental.status === "ok" && incremental.warnings.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-xs text-amber-900">
          {incremental.warnings.map((w) => (
            <li key={w.message}>{w.message}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Everything about one comparison (every sequence, or one): the verdict, the warning, the rates and the money. */
export function ComparisonFigures({ comparison, headingLevel = 3 }: { comparison: LiftComparison; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  return (
    <div className="space-y-4">
      <VerdictBox verdict={rateVerdict(comparison)} />
      <SmallSampleWarning comparison={comparison} />
      <div>
        <Heading className="mb-2 text-sm font-semibold text-zinc-900">Recovery rate</Heading>
        <RateTable comparison={comparison} caption={`Recovery rate, treatment against holdout: ${comparison.label}`} />
      </div>
      <div>
        <Heading className="mb-1 text-sm font-semibold text-zinc-900">Recovered revenue, per currency</Heading>
        <p className="mb-2 text-xs text-zinc-500">
          Incremental revenue is what the treatment group recovered beyond what the holdout&apos;s behaviour predicts for the same number of
          cases. Each currency stands alone: amounts in different currencies are never added together.
        </p>
        {comparison.currencies.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 px-4 py-3 text-sm text-zinc-600">
            No cases, so no revenue to compare.
          </p>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            {comparison.currencies.map((figures) => (
              <RevenueCard key={figures.currency} figures={figures} headingLevel={headingLevel === 3 ? 4 : 5} />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
