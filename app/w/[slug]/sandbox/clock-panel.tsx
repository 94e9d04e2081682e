"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Clock } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Alert, Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";
import { LocalTime } from "../recoveries/_components/format";
import { stepLabel } from "../recoveries/_components/labels";

export type NextAction = {
  kind: string;
  step: string;
  dueAt: Date;
  caseId: string | null;
  customerName: string | null;
  customerEmail: string | null;
  invoiceNumber: string | null;
};

type By = "next" | { hours?: number; days?: number } | { until: Date };

const presets: { label: string; by: { hours: number } | { days: number }; key: string }[] = [
  { label: "+1 hour", by: { hours: 1 }, key: "1h" },
  { label: "+1 day", by: { days: 1 }, key: "1d" },
  { label: "+7 days", by: { days: 7 }, key: "7d" },
];

export function ClockPanel({
  workspaceId,
  slug,
  now,
  nextAction,
  canManage,
}: {
  workspaceId: string;
  slug: string;
  now: Date;
  nextAction: NextAction | null;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [days, setDays] = useState("14");
  const [daysError, setDaysError] = useState<string | null>(null);
  const advance = useMutation(trpc.recovery.advance.mutationOptions());
  // Which control started the running advance (for its spinner), how far a
  // long advance has got, and how the last one ended.
  const [source, setSource] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ performed: number; at: Date } | null>(null);
  const [result, setResult] = useState<{ performed: number; customerEvents: number; to: Date; nothingPlanned: boolean } | null>(null);
  const pendingKey = running ? source : null;

  const run = async (key: string, by: By) => {
    setSource(key);
    setRunning(true);
    setResult(null);
    setProgress(null);
    let performed = 0;
    let customerEvents = 0;
    try {
      let step = await advance.mutateAsync({ workspaceId, by });
      performed += step.performed;
      customerEvents += step.customerEvents;
      // One request runs a bounded number of actions; keep going until the clock reaches the target.
      while (step.remaining) {
        setProgress({ performed, at: step.to });
        step = await advance.mutateAsync({ workspaceId, by: { until: step.target } });
        performed += step.performed;
        customerEvents += step.customerEvents;
      }
      setResult({ performed, customerEvents, to: step.to, nothingPlanned: step.nothingPlanned });
    } catch {
      // advance.error holds the reason and is shown below.
    } finally {
      setRunning(false);
      setProgress(null);
      router.refresh();
    }
  };
  const who = nextAction ? (nextAction.customerName ?? nextAction.customerEmail ?? "a customer") : "";

  return (
    <Card>
      <CardHeader
        title="Sandbox clock"
        description="This workspace's own test clock. Moving it forward runs every retry, email and stage change that falls due, in order, at its simulated time."
      />
      <div className="space-y-5 p-5">
        <div className="flex items-start gap-3">
          <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-amber-50 text-amber-700" aria-hidden="true">
            <Clock className="size-5" />
          </span>
          <div className="min-w-0">
            <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Simulated time</p>
            <p className="text-lg font-semibold text-zinc-900">
              <LocalTime date={now} />
            </p>
          </div>
        </div>

        <div className="rounded-md bg-zinc-50 px-3 py-2.5 text-sm text-zinc-700">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Next action</p>
          {nextAction ? (
            <p className="mt-0.5">
              <span className="font-medium text-zinc-900">{stepLabel(nextAction.step)}</span>{" "}
              {nextAction.kind === "email" ? (
                `to ${who}`
              ) : nextAction.caseId ? (
                <>
                  of{" "}
                  <Link href={`/w/${slug}/recoveries/${nextAction.caseId}`} className="font-medium text-brand-700 underline">
                    {who}
                    {nextAction.invoiceNumber ? `’s invoice ${nextAction.invoiceNumber}` : ""}
                  </Link>
                </>
              ) : null}
              , due <LocalTime date={nextAction.dueAt} style="short" className="font-medium text-zinc-900" />
            </p>
          ) : (
            <p className="mt-0.5">Nothing is planned. Simulate failed renewals to give the clock something to do.</p>
          )}
        </div>

        {canManage ? (
          <>
            <div role="group" aria-label="Move the clock forward" className="grid grid-cols-3 gap-2">
              {presets.map((p) => (
                <Button
                  key={p.key}
                  variant="secondary"
                  disabled={running}
                  pending={pendingKey === p.key}
                  onClick={() => void run(p.key, p.by)}
                >
                  {p.label}
                </Button>
              ))}
              <Button
                className="col-span-3"
                disabled={running || !nextAction}
                pending={pendingKey === "next"}
                onClick={() => void run("next", "next")}
                title={nextAction ? undefined : "Nothing is planned yet"}
              >
                Advance to next action
              </Button>
            </div>

            <form
              className="flex items-start gap-2"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                const n = Number(days);
                if (!Number.isInteger(n) || n < 1 || n > 60) {
                  setDaysError("Enter a whole number of days from 1 to 60.");
                  return;
                }
                setDaysError(null);
                void run("custom", { days: n });
              }}
            >
              <div className="flex-1">
                <Field id="advance-days" label="Advance by days" error={daysError} hint="1 to 60 days at a time.">
                  <Input
                    id="advance-days"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={60}
                    step={1}
                    value={days}
                    onChange={(e) => setDays(e.target.value)}
                    invalid={Boolean(daysError)}
                  />
                </Field>
              </div>
              <Button type="submit" variant="secondary" className="mt-7" disabled={running} pending={pendingKey === "custom"}>
                Advance
              </Button>
            </form>
          </>
        ) : (
          <p className="text-sm text-zinc-600">Only owners and admins can move the sandbox clock.</p>
        )}

        <div aria-live="polite" className="space-y-2">
          {running ? (
            <p className="text-sm text-zinc-600">
              {progress ? (
                <>
                  Running what falls due… {progress.performed} actions so far, clock at <LocalTime date={progress.at} style="short" />.
                </>
              ) : (
                "Running what falls due…"
              )}
            </p>
          ) : null}
          {advance.error && !running ? <Alert>{formError(advance.error)}</Alert> : null}
          {result && !running ? (
            result.nothingPlanned ? (
              <Alert tone="info">Nothing is planned, so the clock did not move. Simulate failed renewals first.</Alert>
            ) : (
              <Alert tone="success">
                Ran {result.performed} {result.performed === 1 ? "action" : "actions"}
                {result.customerEvents > 0
                  ? `; simulated customers did ${result.customerEvents} ${result.customerEvents === 1 ? "thing" : "things"} (opened an email, followed a link or put a new card on file)`
                  : ""}
                , clock now <LocalTime date={result.to} />.
              </Alert>
            )
          ) : null}
        </div>
      </div>
    </Card>
  );
}
