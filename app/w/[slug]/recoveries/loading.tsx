export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading recoveries…</span>
      <div className="h-8 w-48 rounded bg-zinc-200" />
      <div className="h-4 w-96 max-w-full rounded bg-zinc-200" />
      <div className="h-10 w-full max-w-2xl rounded bg-zinc-200" />
      <div className="flex gap-2">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-9 w-24 rounded bg-zinc-200" />
        ))}
      </div>
      <div className="space-y-2 rounded-xl border border-zinc-200 bg-white p-4">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-10 rounded bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
