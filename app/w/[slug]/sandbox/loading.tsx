export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading the sandbox…</span>
      <div className="space-y-2">
        <div className="h-8 w-40 rounded bg-zinc-200" />
        <div className="h-4 w-full max-w-2xl rounded bg-zinc-200" />
        <div className="h-4 w-3/4 max-w-xl rounded bg-zinc-200" />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="h-96 rounded-xl bg-zinc-200" />
        <div className="h-96 rounded-xl bg-zinc-200" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="h-56 rounded-xl bg-zinc-200" />
        <div className="h-56 rounded-xl bg-zinc-200 lg:col-span-2" />
      </div>
    </div>
  );
}
