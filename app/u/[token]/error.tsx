"use client";

import { HostedFrame, Panel } from "./hosted-ui";

/** Never a raw error on a customer's page: a calm message, a way to try again, and no details. */
export default function CardUpdateError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <HostedFrame merchant={null}>
      <Panel>
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Something went wrong on our side</h1>
        <div className="mt-3 space-y-3 text-sm leading-6 text-zinc-600">
          <p>This page could not be shown. Try again in a moment. If you already submitted your card, you will not be charged twice.</p>
          {error.digest ? <p className="text-xs text-zinc-500">Reference: {error.digest}</p> : null}
        </div>
        <button
          type="button"
          onClick={reset}
          className="mt-5 inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-zinc-900 px-4 py-3 text-base font-semibold text-white shadow-sm hover:bg-zinc-800"
        >
          Try again
        </button>
      </Panel>
    </HostedFrame>
  );
}
