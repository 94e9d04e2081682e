export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading the overview…</span>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-2">
          <div className="h-8 w-40 rounded bg-zinc-200" />
          <div className="h-4 w-80 max-w-full rounded bg-zinc-200" />
        </div>
        <div className="h-10 w-44 rounded bg-zinc-200" />
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-36 rounded-xl border border-zinc-200 bg-white p-5">
            <div className="h-4 w-28 rounded bg-zinc-100" />
            <div className="mt-3 h-7 w-32 rounded bg-zinc-200" />
            <div className="mt-3 h-3 w-40 max-w-full rounded bg-zinc-100" />
          </div>
        ))}
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {[0, 1].map((i) => (
          <div key={i} className="h-72 rounded-xl border border-zinc-200 bg-white" />
        ))}
      </div>
    </div>
  );
}
