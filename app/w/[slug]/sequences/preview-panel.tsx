"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CalendarClock, Flag, Mail, RefreshCw } from "lucide-react";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { Spinner } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Select } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";
import type { PreviewEvent, PreviewGroup, PreviewGroupId } from "@/server/api/routers/sequence";
import { finalActionCopy, strategyCopy, toneCopy } from "./copy";

const subscribeToNothing = () => () => {};
/** False while rendering on the server and hydrating, true after. */
const useIsClient = () =>
  useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

const commonZones = [
  "UTC",
  "America/Los_Angeles",
  "America/Chicago",
  "America/New_York",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
];

/** "2026-03-02T09:30": the current wall time, for a datetime-local input. */
function nowForInput(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

/**
 * The schedule the current form would give a customer, per decline group. Rendered in the browser
 * only: its default time and zone are the merchant's own, which the server cannot know.
 */
export function PreviewPanel({ workspaceId, policy }: { workspaceId: string; policy: unknown }) {
  const isClient = useIsClient();
  return (
    <section id="preview" aria-labelledby="preview-title" className="scroll-mt-20 rounded-xl border border-zinc-200 bg-white shadow-sm">
      <div className="border-b border-zinc-100 px-4 py-4">
        <h2 id="preview-title" className="text-base font-semibold text-zinc-900">
          Preview
        </h2>
        <p className="mt-1 text-sm text-zinc-600">What a customer would get with the settings on this page, saved or not.</p>
      </div>
      {isClient ? (
        <PreviewBody workspaceId={workspaceId} policy={policy} />
      ) : (
        <div className="h-64 animate-pulse px-4 py-4" aria-hidden="true">
          <div className="h-10 rounded bg-zinc-100" />
        </div>
      )}
    </section>
  );
}

function PreviewBody({ workspaceId, policy }: { workspaceId: string; policy: unknown }) {
  const trpc = useTRPC();
  const browserZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", []);
  const zones = useMemo(() => [...new Set([browserZone, ...commonZones])], [browserZone]);
  const [timezone, setTimezone] = useState(browserZone);
  const [openedAt, setOpenedAt] = useState(nowForInput);
  const [groupId, setGroupId] = useState<PreviewGroupId>("insufficient_funds");
  // The policy arrives as a fresh object on every keystroke; compare it by value and wait for a pause in typing.
  const policyJson = useDebounced(JSON.stringify(policy), 350);
  const input = useMemo(
    () => ({ workspaceId, policy: JSON.parse(policyJson) as unknown, timezone, openedAt: openedAt || undefined }),
    [workspaceId, policyJson, timezone, openedAt],
  );
  const preview = useQuery(trpc.sequence.preview.queryOptions(input, { placeholderData: keepPreviousData, staleTime: 60_000 }));
  const data = preview.data;
  const group = data?.ok ? data.preview.groups.find((g) => g.id === groupId) : undefined;

  return (
    <div className="space-y-4 px-4 py-4">
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-1">
        <div className="space-y-1.5">
          <label htmlFor="preview-opened" className="block text-sm font-medium text-zinc-800">
            Charge fails at
          </label>
          <input
            id="preview-opened"
            type="datetime-local"
            value={openedAt}
            onChange={(e) => setOpenedAt(e.target.value)}
            className="block min-h-10 w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
          />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="preview-zone" className="block text-sm font-medium text-zinc-800">
            Customer&apos;s time zone
          </label>
          <Select id="preview-zone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone === browserZone ? `${zone.replaceAll("_", " ")} (yours)` : zone.replaceAll("_", " ")}
              </option>
            ))}
          </Select>
        </div>
      </div>

      {data?.ok ? (
        <fieldset>
          <legend className="text-sm font-medium text-zinc-800">Decline reason</legend>
          <div className="mt-1.5 flex flex-wrap gap-1.5">
            {data.preview.groups.map((g) => (
              <label
                key={g.id}
                className={cn(
                  "cursor-pointer rounded-full px-3 py-1.5 text-xs font-medium ring-1 ring-inset has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
                  g.id === groupId ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50",
                )}
              >
                <input
                  type="radio"
                  name="preview-group"
                  value={g.id}
                  checked={g.id === groupId}
                  onChange={() => setGroupId(g.id)}
                  className="sr-only"
                />
                {g.label}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      <div className="space-y-2 border-t border-zinc-100 pt-3">
        <div className="flex min-h-5 items-center justify-between gap-2">
          <h3 className="text-sm font-medium text-zinc-800">Schedule</h3>
          {preview.isFetching ? (
            <span className="flex items-center gap-1.5 text-xs text-zinc-500">
              <Spinner className="size-3" /> Updating
            </span>
          ) : null}
        </div>
        <div aria-live="polite" aria-busy={preview.isFetching || undefined}>
          {preview.isError ? (
            <Alert>{formError(preview.error)}</Alert>
          ) : !data ? (
            <p className="py-8 text-center text-sm text-zinc-500">Working out the schedule…</p>
          ) : !data.ok ? (
            <div className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
              <p className="font-medium">
                The preview needs a valid sequence. {data.errors.length === 1 ? "One problem:" : `${data.errors.length} problems:`}
              </p>
              <ul className="mt-1.5 list-disc space-y-1 pl-5">
                {data.errors.slice(0, 4).map((problem) => (
                  <li key={`${problem.path}:${problem.message}`}>{problem.message}</li>
                ))}
              </ul>
              {data.errors.length > 4 ? <p className="mt-1.5">…and {data.errors.length - 4} more.</p> : null}
            </div>
          ) : group ? (
            <GroupTimeline group={group} timezone={data.preview.timezone} windowDays={data.preview.windowDays} />
          ) : null}
        </div>
      </div>

      <ul className="space-y-1.5 border-t border-zinc-100 pt-3 text-xs leading-5 text-zinc-500">
        <li>A payment at any point cancels everything after it and sends a receipt.</li>
        <li>Holdout customers get nothing from Reclaim and are only measured.</li>
        <li>Do-not-contact declines (lost, stolen, fraudulent cards) get no retries and no emails; you see them flagged.</li>
      </ul>
    </div>
  );
}

function GroupTimeline({ group, timezone, windowDays }: { group: PreviewGroup; timezone: string; windowDays: number }) {
  const format = useMemo(
    () =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone: timezone,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
    [timezone],
  );
  const emails = group.events.filter((e) => e.kind === "email").length;
  return (
    <div>
      <p className="text-sm text-zinc-700">{retrySummary(group, windowDays)}</p>
      <p className="mt-1 text-xs text-zinc-500">
        {emails} {emails === 1 ? "email" : "emails"} · example code <code className="font-mono">{group.code}</code>
      </p>
      <ol className="mt-4 space-y-0">
        {group.events.map((event, i) => (
          <li key={`${event.kind}-${i}`} className="relative flex gap-3 pb-4 last:pb-0">
            {i < group.events.length - 1 ? (
              <span className="absolute left-[13px] top-7 h-[calc(100%-1.75rem)] w-px bg-zinc-200" aria-hidden="true" />
            ) : null}
            <EventIcon event={event} />
            <div className="min-w-0 flex-1 pt-0.5">
              <p className="text-xs text-zinc-500">
                <span className="font-semibold text-zinc-700">Day {event.day}</span> ·{" "}
                <time dateTime={event.at.toISOString()}>{format.format(event.at)}</time>
              </p>
              <EventText event={event} />
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function retrySummary(group: PreviewGroup, windowDays: number): string {
  switch (group.noRetriesReason) {
    case "hard":
      return "Never retried: a retry of this card cannot work. Reclaim asks for a new card and retries every open invoice once it is on file.";
    case "outreach_only":
      return "No retries from Reclaim: outreach only is on, so your billing provider retries.";
    case "strategy_none":
      return "No retries: this group is set to “Don't retry”.";
    case "window":
      return `No retries: the ${strategyCopy[group.strategy ?? "none"].label.toLowerCase()} schedule has no slot inside the ${windowDays}-day window.`;
    case null: {
      const label = strategyCopy[group.strategy ?? "none"].label;
      const retries = `${group.retries} ${group.retries === 1 ? "retry" : "retries"}`;
      return group.retries < group.maxRetries
        ? `${label}: ${retries}. ${group.maxRetries} are allowed, but only ${group.retries} of its slots fall inside the ${windowDays}-day window.`
        : `${label}: ${retries}.`;
    }
  }
}

function EventIcon({ event }: { event: PreviewEvent }) {
  const styles = {
    retry: "bg-sky-50 text-sky-700 ring-sky-200",
    email: "bg-brand-50 text-brand-700 ring-brand-100",
    grace: "bg-amber-50 text-amber-800 ring-amber-200",
    final: "bg-red-50 text-red-700 ring-red-200",
  } as const;
  const Icon = { retry: RefreshCw, email: Mail, grace: CalendarClock, final: Flag }[event.kind];
  return (
    <span className={cn("relative flex size-7 shrink-0 items-center justify-center rounded-full ring-1 ring-inset", styles[event.kind])}>
      <Icon className="size-3.5" aria-hidden="true" />
    </span>
  );
}

function EventText({ event }: { event: PreviewEvent }) {
  switch (event.kind) {
    case "retry":
      return (
        <p className="text-sm font-medium text-zinc-900">
          Retry {event.number} of {event.of}
        </p>
      );
    case "email":
      return (
        <>
          <p className="text-sm font-medium text-zinc-900">
            Email {event.number} <span className="font-normal text-zinc-500">· {toneCopy[event.tone].label.toLowerCase()}</span>
          </p>
          <p className="truncate text-sm text-zinc-600" title={event.subject}>
            {event.subject}
          </p>
          {event.afterRetry ? <p className="text-xs text-zinc-500">Waits for the first retry, and is skipped if it works.</p> : null}
        </>
      );
    case "grace":
      return <p className="text-sm font-medium text-zinc-900">Window ends; {event.graceDays}-day grace period</p>;
    case "final":
      return <p className="text-sm font-medium text-zinc-900">Final action: {finalActionCopy[event.action].short}</p>;
  }
}
