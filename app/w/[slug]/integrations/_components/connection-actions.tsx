"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";

/** Disconnect, after a second, explicit click: all live activity of the workspace stops. */
export function DisconnectButton({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const disconnect = useMutation(trpc.billing.disconnect.mutationOptions({ onSuccess: () => router.refresh() }));
  if (!confirming) {
    return (
      <Button variant="danger" onClick={() => setConfirming(true)}>
        Disconnect Stripe
      </Button>
    );
  }
  return (
    <div className="space-y-3 rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-900" role="group" aria-label="Confirm disconnecting Stripe">
      <p>
        Disconnecting stops all live activity: no more retries or messages for live cases, Stripe&apos;s events are refused, the stored keys are
        deleted and the workspace goes back to sandbox mode. Open cases stay open until you connect again.
      </p>
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" pending={disconnect.isPending} onClick={() => disconnect.mutate({ workspaceId })}>
          Yes, disconnect
        </Button>
        <Button variant="secondary" onClick={() => setConfirming(false)} disabled={disconnect.isPending}>
          Keep connected
        </Button>
      </div>
      {disconnect.error ? <Alert>{formError(disconnect.error)}</Alert> : null}
    </div>
  );
}

/** The deliberate switch to live: the workspace's name typed out. */
export function GoLiveForm({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const goLive = useMutation(trpc.billing.goLive.mutationOptions({ onSuccess: (result) => result.ok && router.refresh() }));
  const refused = goLive.data && !goLive.data.ok ? goLive.data.message : null;
  return (
    <form
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        goLive.mutate({ workspaceId, confirmName: name });
      }}
    >
      <Field id="go-live-name" label={`Type ${workspaceName} to confirm`} error={refused}>
        <Input id="go-live-name" value={name} onChange={(e) => setName(e.target.value)} invalid={Boolean(refused)} autoComplete="off" />
      </Field>
      {goLive.error ? <Alert>{formError(goLive.error)}</Alert> : null}
      <Button type="submit" pending={goLive.isPending} disabled={name.trim() === ""}>
        Switch to live
      </Button>
    </form>
  );
}

/** A value to copy into Stripe's dashboard, with a copy button. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <div className="flex gap-2">
        <Input id={id} readOnly value={value} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}
