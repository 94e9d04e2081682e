import { ATTRIBUTION_RULES } from "@/server/analytics/attribution";

/** The attribution rules, word for word what server/analytics/attribution.ts applies. */
export function AttributionRules() {
  return (
    <section aria-labelledby="attribution-rules" className="rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm shadow-sm">
      <h3 id="attribution-rules" className="font-semibold text-zinc-900">
        How recoveries are attributed
      </h3>
      <p className="mt-1 text-zinc-600">Each recovered case is credited to exactly one channel; the rules do not overlap.</p>
      <dl className="mt-3 space-y-2 leading-6 text-zinc-700">
        {ATTRIBUTION_RULES.map((r) => (
          <div key={r.channel} className="sm:flex sm:gap-3">
            <dt className="shrink-0 font-medium text-zinc-900 sm:w-36">{r.label}</dt>
            <dd>{r.rule}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
