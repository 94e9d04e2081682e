import type { ReactNode } from "react";
import { Logo } from "./logo";

/** The centred frame of the signed-out pages. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-brand-50 to-zinc-50 px-4 py-10">
      <div className="mb-8">
        <Logo />
      </div>
      <div className="w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        <div className="mt-4">{children}</div>
      </div>
      <p className="mt-6 max-w-md text-center text-xs text-zinc-500">
        Reclaim recovers failed subscription payments. Open source and self-hosted.
      </p>
    </main>
  );
}
