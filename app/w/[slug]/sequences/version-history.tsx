"use client";

import { History } from "lucide-react";
import { Badge, Card, CardHeader } from "@/components/ui/card";

export type VersionRow = {
  version: number;
  name: string | null;
  savedAt: Date;
  savedBy: string | null;
  openCases: number;
  current: boolean;
};

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** Every saved version, newest first, with the open cases still following each one. */
export function VersionHistory({ versions, limit }: { versions: VersionRow[]; limit: number }) {
  return (
    <Card>
      <CardHeader
        title="Version history"
        description="Versions are never changed once saved. Open cases keep the version they started with; new cases use the current one."
      />
      <ol className="divide-y divide-zinc-100">
        {versions.map((v) => (
          <li key={v.version} className="flex flex-col gap-1 px-5 py-3 sm:flex-row sm:items-center sm:gap-4">
            <div className="flex min-w-0 flex-1 items-center gap-3">
              <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-700">
                v{v.version}
              </span>
              <div className="min-w-0">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
                  <span className="truncate">
                    Version {v.version}
                    {v.name ? <span className="font-normal text-zinc-500"> · {v.name}</span> : null}
                  </span>
                  {v.current ? <Badge tone="brand">Current</Badge> : null}
                </p>
                <p className="text-sm text-zinc-500">
                  {/* Formatted in the reader's time zone, which the server does not know. */}
                  <time dateTime={v.savedAt.toISOString()} suppressHydrationWarning>
                    {dateTime.format(v.savedAt)}
                  </time>
                  {v.savedBy ? ` by ${v.savedBy}` : v.version === 1 ? " · Reclaim's default" : ""}
                </p>
              </div>
            </div>
            <p className="pl-11 text-sm text-zinc-600 sm:pl-0">
              {v.openCases === 0 ? (
                <span className="text-zinc-400">No open cases</span>
              ) : (
                `${v.openCases} open ${v.openCases === 1 ? "case" : "cases"}`
              )}
            </p>
          </li>
        ))}
      </ol>
      {versions.length >= limit ? (
        <p className="flex items-center gap-2 border-t border-zinc-100 px-5 py-3 text-xs text-zinc-500">
          <History className="size-3.5" aria-hidden="true" />
          Showing the latest {limit} versions.
        </p>
      ) : null}
    </Card>
  );
}
