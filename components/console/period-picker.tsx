"use client";

import { useState, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Button, Spinner } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { periodPresets, presetLabels, type PeriodInput } from "@/server/analytics/period";

/**
 * Chooses the period of a report page: a preset applies at once, a custom
 * range on "Apply". The period lives in the address (`?period=30d` or
 * `?from=…&to=…`), so a view can be bookmarked and shared, and the page's
 * other parameters (filters) are kept.
 */
export function PeriodPicker({ value, error }: { value: PeriodInput; error?: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [choice, setChoice] = useState<string>("preset" in value ? value.preset : "custom");
  const [from, setFrom] = useState("from" in value ? value.from : "");
  const [to, setTo] = useState("to" in value ? value.to : "");

  const go = (next: Record<string, string>) => {
    const params = new URLSearchParams(searchParams.toString());
    for (const key of ["period", "from", "to", "page"]) params.delete(key);
    for (const [key, v] of Object.entries(next)) params.set(key, v);
    startTransition(() => router.push(`${pathname}?${params.toString()}`));
  };

  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (choice === "custom") go({ from, to });
        else go({ period: choice });
      }}
      aria-label="Period"
    >
      <div className="w-44">
        <Field id="period-choice" label="Period">
          <Select
            id="period-choice"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value);
              if (e.target.value !== "custom") go({ period: e.target.value });
            }}
          >
            {periodPresets.map((p) => (
              <option key={p} value={p}>
                {presetLabels[p]}
              </option>
            ))}
            <option value="custom">Custom dates</option>
          </Select>
        </Field>
      </div>
      {choice === "custom" ? (
        <>
          <div className="w-40">
            <Field id="period-from" label="From">
              <Input id="period-from" type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
          </div>
          <div className="w-40">
            <Field id="period-to" label="To (included)">
              <Input id="period-to" type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
          </div>
          <Button type="submit" variant="secondary" pending={pending}>
            Apply
          </Button>
        </>
      ) : pending ? (
        <span className="flex min-h-10 items-center gap-2 text-sm text-zinc-500" role="status">
          <Spinner /> Loading…
        </span>
      ) : null}
      {error ? (
        <p className="w-full text-sm text-red-700" role="alert">
          {error} Showing {"preset" in value ? presetLabels[value.preset].toLowerCase() : "the chosen dates"} instead.
        </p>
      ) : null}
    </form>
  );
}
