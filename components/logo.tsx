import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="inline-flex items-center gap-2 rounded-md font-semibold text-zinc-900">
      <span className="flex size-7 items-center justify-center rounded-md bg-brand-600 text-sm font-bold text-white" aria-hidden="true">
        R
      </span>
      <span className="text-base tracking-tight">Reclaim</span>
    </Link>
  );
}
