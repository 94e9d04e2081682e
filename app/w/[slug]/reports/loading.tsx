export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading reports…</span>
      <div className="h-8 w-40 rounded bg-zinc-200" />
      <div className="h-4 w-[32rem] max-w-full rounded bg-zinc-200" />
      <div className="h-24 rounded-xl border border-zinc-200 bg-white" />
      <div className="h-16 rounded-md bg-zinc-100" />
      <div className="space-y-2 rounded-xl border border-zinc-200 bg-white p-4">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-8 rounded bg-zinc-100" />
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="h-48 rounded-xl border border-zinc-200 bg-white" />
        <div className="h-48 rounded-xl border border-zinc-200 bg-white" />
      </div>
    </div>
  );
}
