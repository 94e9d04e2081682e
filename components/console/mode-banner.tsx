import { FlaskConical, ShieldCheck } from "lucide-react";
import type { WorkspaceMode } from "@/server/db/schema";

/** Always on screen in the console: which mode this workspace is in. */
export function ModeBanner({ mode }: { mode: WorkspaceMode }) {
  if (mode === "live") {
    return (
      <div className="flex items-center justify-center gap-2 bg-emerald-700 px-4 py-1.5 text-xs font-medium text-white" role="status">
        <ShieldCheck className="size-3.5" aria-hidden="true" />
        Live mode: real customers, real charges and real emails.
      </div>
    );
  }
  return (
    <div className="flex items-center justify-center gap-2 bg-amber-400 px-4 py-1.5 text-center text-xs font-medium text-amber-950" role="status">
      <FlaskConical className="size-3.5 shrink-0" aria-hidden="true" />
      <span>
        <strong>Sandbox mode</strong>: simulated customers and payments. No real money moves and no real customer is emailed.
      </span>
    </div>
  );
}

export function ModeBadge({ mode }: { mode: WorkspaceMode }) {
  return mode === "live" ? (
    <span className="inline-flex items-center gap-1 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-inset ring-emerald-200">
      <span className="size-1.5 rounded-full bg-emerald-600" aria-hidden="true" />
      Live
    </span>
  ) : (
    <span className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-300">
      <span className="size-1.5 rounded-full bg-amber-500" aria-hidden="true" />
      Sandbox
    </span>
  );
}
