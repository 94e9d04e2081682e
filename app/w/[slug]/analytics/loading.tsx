export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading the analytics…</span>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-2">
          <div className="h-8 w-40 rounded bg-zinc-200" />
          <div className="h-4 w-80 max-w-full rounded bg-zinc-200" />
        </div>
        <div className="h-10 w-44 rounded bg-zinc-200" />
      </div>
      {[0, 1].map((i) => (
        <div key={i} className="h-56 rounded-xl border border-zinc-200 bg-white p-5">
          <div className="h-4 w-56 rounded bg-zinc-100" />
          <div className="mt-4 space-y-3">
            {[0, 1, 2, 3].map((j) => (
              <div key={j} className="h-4 w-full rounded bg-zinc-100" />
            ))}
          </div>
        </div>
      ))}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {[0, 1].map((i) => (
          <div key={i} className="h-72 rounded-xl border border-zinc-200 bg-white" />
        ))}
      </div>
    </div>
  );
}
