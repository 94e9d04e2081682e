import { ANALYTICS_DEFINITIONS } from "@/server/analytics/breakdown";
import { METHODS, REFERENCES } from "@/server/analytics/stats";

const order: (keyof typeof ANALYTICS_DEFINITIONS)[] = ["scope", "period", "declineRate", "cohorts", "interval", "channels", "days", "sequences", "currency"];

/** What each figure means, word for word what the queries compute (server/analytics/breakdown.ts). */
export function Definitions() {
  return (
    <details className="rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm shadow-sm">
      <summary className="cursor-pointer font-medium text-zinc-900">How these figures are computed</summary>
      <ul className="mt-3 space-y-2 leading-6 text-zinc-700">
        {order.map((key) => (
          <li key={key}>{ANALYTICS_DEFINITIONS[key]}</li>
        ))}
        <li>{METHODS.rateInterval}</li>
      </ul>
      <p className="mt-3 text-xs text-zinc-500">{REFERENCES[0]}</p>
    </details>
  );
}
