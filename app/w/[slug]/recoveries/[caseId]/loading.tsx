export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading the recovery…</span>
      <div className="h-4 w-24 rounded bg-zinc-200" />
      <div className="space-y-2">
        <div className="h-8 w-64 max-w-full rounded bg-zinc-200" />
        <div className="h-4 w-80 max-w-full rounded bg-zinc-200" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <div className="h-32 rounded-xl bg-zinc-200" />
          <div className="h-64 rounded-xl bg-zinc-200" />
        </div>
        <div className="h-64 rounded-xl bg-zinc-200" />
      </div>
    </div>
  );
}
