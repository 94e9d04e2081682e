import Link from "next/link";
import { SlidersHorizontal } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { cohorts, recoveryChannels } from "@/server/db/schema";
import { RECOVERY_SEARCH_MAX, type RecoveryFilterOptions } from "@/server/queries/recoveries";
import { declineCategories } from "@/server/recovery/decline";
import { activeFilterCount, filterLabels, listHref, type FilterValues } from "./filters";
import { categoryLabels, cohortLabels, recoveredViaLabels } from "./labels";

/**
 * The recoveries list's filters: a plain GET form, so it works without
 * JavaScript and the address holds the filters. The search is always in
 * view; the other filters fold into a "Filters" disclosure (open while one of
 * them is in use), which keeps the list near the top on a phone.
 */
export function FilterForm({ base, values, options }: { base: string; values: FilterValues; options: RecoveryFilterOptions }) {
  const active = activeFilterCount(values);
  const inDisclosure = active - (values.q ? 1 : 0);
  const clear = listHref(base, { status: values.status });
  return (
    // Keyed by the filters: a client-side navigation (a tab, "Clear filters") keeps this component, and
    // uncontrolled fields would otherwise keep showing the previous values.
    <form key={JSON.stringify(values)} method="get" action={base} role="search" aria-label="Filter recoveries" className="space-y-3">
      {values.status ? <input type="hidden" name="status" value={values.status} /> : null}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <Field id="recoveries-q" label={filterLabels.q}>
            <Input
              id="recoveries-q"
              type="search"
              name="q"
              defaultValue={values.q ?? ""}
              maxLength={RECOVERY_SEARCH_MAX}
              placeholder="Ada Lovelace, ada@example.com, INV-1042…"
              autoComplete="off"
            />
          </Field>
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit">Filter</Button>
          {active > 0 ? (
            <Link href={clear} className="inline-flex min-h-10 items-center text-sm font-medium text-brand-700 underline">
              Clear filters
            </Link>
          ) : null}
        </div>
      </div>
      <p id="recoveries-q-hint" className="-mt-1 text-sm text-zinc-500">
        Finds a customer by name, email or ID, or an invoice by number or ID.
      </p>

      <details open={inDisclosure > 0} className="group rounded-xl border border-zinc-200 bg-white shadow-sm">
        <summary className="flex min-h-11 cursor-pointer list-none items-center gap-2 rounded-xl px-4 py-2 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-brand-500 [&::-webkit-details-marker]:hidden">
          <SlidersHorizontal className="size-4 text-zinc-500" aria-hidden="true" />
          Filters
          {inDisclosure > 0 ? (
            <span className="rounded-full bg-brand-50 px-1.5 text-xs tabular-nums text-brand-700">{inDisclosure} in use</span>
          ) : null}
          <span className="ml-auto text-xs font-normal text-zinc-500 group-open:hidden">Show</span>
          <span className="ml-auto hidden text-xs font-normal text-zinc-500 group-open:inline">Hide</span>
        </summary>
        <div className="grid grid-cols-1 gap-4 border-t border-zinc-100 p-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field id="recoveries-category" label={filterLabels.category}>
            <Select id="recoveries-category" name="category" defaultValue={values.category ?? ""}>
              <option value="">Any category</option>
              {declineCategories.map((c) => (
                <option key={c} value={c}>
                  {categoryLabels[c] ?? c}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="recoveries-code" label={filterLabels.code}>
            <Select id="recoveries-code" name="code" defaultValue={values.code ?? ""}>
              <option value="">Any code</option>
              {options.declineCodes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label ? `${c.label} (${c.code})` : c.code} · {c.count}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="recoveries-cohort" label={filterLabels.cohort}>
            <Select id="recoveries-cohort" name="cohort" defaultValue={values.cohort ?? ""}>
              <option value="">Any cohort</option>
              {cohorts.map((c) => (
                <option key={c} value={c}>
                  {cohortLabels[c] ?? c}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="recoveries-channel" label={filterLabels.channel}>
            <Select id="recoveries-channel" name="channel" defaultValue={values.channel ?? ""}>
              <option value="">Any way</option>
              {recoveryChannels.map((c) => (
                <option key={c} value={c}>
                  {recoveredViaLabels[c] ?? c}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="recoveries-sequence" label={filterLabels.sequence}>
            <Select id="recoveries-sequence" name="sequence" defaultValue={values.sequence ?? ""}>
              <option value="">Any sequence</option>
              {options.sequences.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.isDefault ? `${s.name} (default)` : s.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="recoveries-from" label={filterLabels.from} hint="Days in UTC.">
            <Input id="recoveries-from" type="date" name="from" defaultValue={values.from ?? ""} max={values.to} />
          </Field>
          <Field id="recoveries-to" label={filterLabels.to} hint="Days in UTC, both included.">
            <Input id="recoveries-to" type="date" name="to" defaultValue={values.to ?? ""} min={values.from} />
          </Field>
        </div>
        <div className="flex justify-end border-t border-zinc-100 px-4 py-3">
          <Button type="submit" variant="secondary">
            Apply filters
          </Button>
        </div>
      </details>
    </form>
  );
}
