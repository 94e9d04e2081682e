import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import {
  caseStatusHelp,
  caseStatusLabels,
  caseStatusTones,
  categoryLabels,
  categoryTones,
  cohortLabels,
  type CaseStatusName,
  type Tone,
} from "./labels";

const tones: Record<Tone, string> = {
  neutral: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  brand: "bg-brand-50 text-brand-700 ring-brand-100",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  sky: "bg-sky-50 text-sky-800 ring-sky-200",
  violet: "bg-violet-50 text-violet-800 ring-violet-200",
};

export function Pill({ tone = "neutral", title, children }: { tone?: Tone; title?: string; children: ReactNode }) {
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[tone],
      )}
    >
      {children}
    </span>
  );
}

export function CaseStatusBadge({ status }: { status: CaseStatusName }) {
  return (
    <Pill tone={caseStatusTones[status]} title={caseStatusHelp[status]}>
      {caseStatusLabels[status]}
    </Pill>
  );
}

export function CategoryBadge({ category }: { category: string }) {
  return <Pill tone={categoryTones[category] ?? "neutral"}>{categoryLabels[category] ?? category}</Pill>;
}

export function CohortBadge({ cohort }: { cohort: string }) {
  return (
    <Pill
      tone={cohort === "holdout" ? "neutral" : "brand"}
      title={
        cohort === "holdout"
          ? "Holdout: Reclaim deliberately does nothing for this customer, to measure what outreach adds."
          : "Treatment: Reclaim retries and reaches out."
      }
    >
      {cohortLabels[cohort] ?? cohort}
    </Pill>
  );
}
