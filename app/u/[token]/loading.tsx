import { HostedFrame, Panel } from "./hosted-ui";

export default function Loading() {
  return (
    <HostedFrame merchant={null}>
      <Panel>
        <div aria-busy="true" className="animate-pulse space-y-4">
          <p className="sr-only" role="status">
            Loading…
          </p>
          <div className="h-7 w-2/3 rounded-md bg-zinc-200" />
          <div className="h-4 w-full rounded bg-zinc-100" />
          <div className="h-16 rounded-xl bg-zinc-100" />
          <div className="h-12 rounded-lg bg-zinc-100" />
          <div className="grid grid-cols-2 gap-3">
            <div className="h-12 rounded-lg bg-zinc-100" />
            <div className="h-12 rounded-lg bg-zinc-100" />
          </div>
          <div className="h-12 rounded-lg bg-zinc-200" />
        </div>
      </Panel>
    </HostedFrame>
  );
}
