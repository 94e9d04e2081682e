import type { LiftReport } from "@/server/analytics/lift";
import { CONFIDENCE_LEVEL, MIN_CASES_PER_GROUP } from "@/server/analytics/stats";

/** The report in plain words: what was compared, how the groups were chosen, what an interval means, and the methods. */
export function LiftExplainer({ report }: { report: LiftReport }) {
  const shares = report.sequences
    .map((c) => c.sequence)
    .filter((s): s is NonNullable<typeof s> => s !== null && s.holdoutPercent !== null)
    .map((s) => `${s.holdoutPercent}% in “${s.name}”`);
  const level = Math.round(CONFIDENCE_LEVEL * 100);
  return (
    <section
      aria-labelledby="how-to-read"
      className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm print:break-before-page print:shadow-none"
    >
      <h2 id="how-to-read" className="text-base font-semibold text-zinc-900">
        How to read this report
      </h2>
      <div className="mt-3 space-y-4 text-sm leading-6 text-zinc-700">
        <div>
          <h3 className="font-semibold text-zinc-900">What was compared</h3>
          <p>
            Every failed payment Reclaim tracked that was <strong>opened in the period</strong> (the day the payment first failed, in UTC),
            whatever happened to it afterwards. Each one is counted as <strong>recovered</strong> if the invoice was paid by the time this
            report was made, and not recovered otherwise, including cases still open. Two groups are compared: the{" "}
            <strong>treatment</strong> group got Reclaim&apos;s retries and messages, the <strong>holdout</strong> group got nothing from
            Reclaim at all. What the holdout recovered on its own (the billing provider&apos;s retries, customers paying unprompted) is what
            would have happened without Reclaim; the difference is what Reclaim added.
          </p>
        </div>
        <div>
          <h3 className="font-semibold text-zinc-900">How the groups were chosen</h3>
          <p>
            When a customer&apos;s payment first fails, Reclaim puts the customer in the holdout or in treatment from a hash of the customer
            and a secret of this workspace: in effect a coin toss, decided before any outreach and unrelated to who the customer is, so the
            two groups are alike apart from the outreach. The customer stays in that group for every later invoice. The share kept in the
            holdout is set on each sequence{shares.length > 0 ? ` (now ${shares.join(", ")})` : ""}; changing it only affects customers
            whose payments fail from then on. A case belongs to the sequence it was planned with; holdout cases belong to the sequence they
            would have followed.
          </p>
        </div>
        <div>
          <h3 className="font-semibold text-zinc-900">What the interval means</h3>
          <p>
            Even with no real effect, two groups of customers never recover at exactly the same rate: some difference is always chance. The{" "}
            {level}% interval is the range of true effects consistent with the data: if the whole interval is above zero, outreach very
            probably helped; if it straddles zero, this data cannot tell. The p-value is how often a difference at least this large would
            appear by chance alone if outreach made no difference; below 0.05 is the usual bar. Small groups give wide intervals, and below{" "}
            {MIN_CASES_PER_GROUP} cases in a group (or with very few recoveries) the report says plainly that nothing can be concluded.
          </p>
        </div>
        <div>
          <h3 className="font-semibold text-zinc-900">Money</h3>
          <p>
            Amounts are what was paid, in the invoice&apos;s currency. Incremental revenue compares the average recovered per case (counting
            unrecovered cases as zero) between the groups and multiplies the difference by the number of treatment cases. It is worked out
            for each currency on its own cases; no figure adds two currencies. {report.livemode ? "Only live" : "Only sandbox"} figures are
            shown here: a workspace&apos;s sandbox and live cases are never mixed.
          </p>
        </div>
        <div>
          <h3 className="font-semibold text-zinc-900">Methods</h3>
          <ul className="list-disc space-y-1 pl-5">
            {Object.entries(report.methods).map(([key, text]) => (
              <li key={key}>{text}</li>
            ))}
            <li>
              Each case counts once. Customers with several failed invoices contribute several related cases, so the intervals are slightly
              narrower than they should be when many customers have more than one.
            </li>
          </ul>
          <h4 className="mt-3 text-xs font-semibold uppercase tracking-wide text-zinc-500">References</h4>
          <ol className="mt-1 list-decimal space-y-1 pl-5 text-xs text-zinc-600">
            {report.references.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ol>
        </div>
        <div>
          <h3 className="font-semibold text-zinc-900">Checking the figures</h3>
          <p>
            The case-rows file has one row per case with its group, sequence, currency, status and recovered amount: counting and adding its
            rows (<code>recovered_by_report_time</code>, <code>recovered_amount</code>) per group, sequence and currency gives every count
            and total on this page, and the methods above applied to those sums give every rate, interval and p-value. The summary file has
            the same figures with full precision.
          </p>
        </div>
      </div>
    </section>
  );
}
