import { OVERVIEW_DEFINITIONS } from "@/server/analytics/overview";

const order: (keyof typeof OVERVIEW_DEFINITIONS)[] = [
  "scope",
  "period",
  "recovered",
  "atRisk",
  "dunningStep",
  "recoveryRate",
  "stillOpen",
  "active",
  "attempts",
  "emails",
  "recent",
  "series",
];

/** What each figure means, word for word what the queries compute (server/analytics/overview.ts). */
export function Definitions() {
  return (
    <details className="rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm shadow-sm">
      <summary className="cursor-pointer font-medium text-zinc-900">How these figures are computed</summary>
      <ul className="mt-3 space-y-2 leading-6 text-zinc-700">
        {order.map((key) => (
          <li key={key}>{OVERVIEW_DEFINITIONS[key]}</li>
        ))}
      </ul>
    </details>
  );
}
