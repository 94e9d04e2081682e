"use client";

import Link from "next/link";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import { useEffect, useRef } from "react";
import { usePathname } from "next/navigation";
import type { Role, WorkspaceMode } from "@/server/db/schema";

export type SwitcherWorkspace = { id: string; slug: string; name: string; role: Role; mode: WorkspaceMode };

/** A disclosure listing the user's workspaces; keyboard and screen-reader friendly by being a <details>. */
export function WorkspaceSwitcher({ current, workspaces }: { current: SwitcherWorkspace; workspaces: SwitcherWorkspace[] }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  useEffect(() => {
    const close = (event: MouseEvent | KeyboardEvent) => {
      const details = ref.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !details.contains(event.target as Node)) {
        details.open = false;
        if (event instanceof KeyboardEvent) details.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return (
    <details ref={ref} className="relative">
      <summary
        className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-left shadow-sm hover:bg-zinc-50"
        aria-label={`Workspace: ${current.name}. Switch workspace`}
      >
        <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-zinc-900 text-xs font-semibold text-white" aria-hidden="true">
          {current.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-semibold text-zinc-900">{current.name}</span>
          <span className="block text-xs capitalize text-zinc-500">{current.role}</span>
        </span>
        <ChevronsUpDown className="size-4 shrink-0 text-zinc-400" aria-hidden="true" />
      </summary>
      <div className="absolute left-0 right-0 z-30 mt-1 min-w-64 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg">
        <p className="px-2 pb-1 pt-2 text-xs font-medium uppercase tracking-wide text-zinc-500">Workspaces</p>
        <ul>
          {workspaces.map((w) => (
            <li key={w.id}>
              <Link
                href={`/w/${w.slug}/overview`}
                className="flex min-h-10 items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-800 hover:bg-zinc-100"
                aria-current={w.id === current.id ? "true" : undefined}
              >
                <span className="min-w-0 flex-1 truncate">{w.name}</span>
                <span className="text-xs text-zinc-500">{w.mode === "sandbox" ? "Sandbox" : "Live"}</span>
                {w.id === current.id ? <Check className="size-4 text-brand-600" aria-label="current" /> : <span className="size-4" />}
              </Link>
            </li>
          ))}
        </ul>
        <div className="mt-1 border-t border-zinc-100 pt-1">
          <Link href="/workspaces/new" className="flex min-h-10 items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100">
            <Plus className="size-4" aria-hidden="true" />
            Create workspace
          </Link>
        </div>
      </div>
    </details>
  );
}
