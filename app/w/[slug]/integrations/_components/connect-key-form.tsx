"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { fieldError, formError } from "@/components/trpc-errors";

/** Connects Stripe with a pasted restricted key, its publishable key and the webhook endpoint's signing secret. */
export function ConnectKeyForm({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({ apiKey: "", publishableKey: "", webhookSecret: "" });
  const connect = useMutation(trpc.billing.connectWithKey.mutationOptions({ onSuccess: (result) => result.ok && router.refresh() }));
  const refused = connect.data && !connect.data.ok ? connect.data.message : null;
  const errorOf = (field: keyof typeof values) => fieldError(connect.error, field) ?? (field === "apiKey" ? refused : null);
  const set = (field: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [field]: e.target.value }));
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        connect.mutate({ workspaceId, ...values });
      }}
    >
      <Field id="stripe-api-key" label="Restricted key" hint="rk_live_… (or rk_test_… to check the connection first). Reclaim tries it before saving." error={errorOf("apiKey")}>
        <Input id="stripe-api-key" type="password" autoComplete="off" spellCheck={false} value={values.apiKey} onChange={set("apiKey")} invalid={Boolean(errorOf("apiKey"))} />
      </Field>
      <Field id="stripe-publishable-key" label="Publishable key" hint="pk_live_…: the card-update page loads Stripe Elements with it." error={errorOf("publishableKey")}>
        <Input id="stripe-publishable-key" autoComplete="off" spellCheck={false} value={values.publishableKey} onChange={set("publishableKey")} invalid={Boolean(errorOf("publishableKey"))} />
      </Field>
      <Field id="stripe-webhook-secret" label="Webhook signing secret" hint="whsec_…: from the endpoint you added in Stripe with the address below." error={errorOf("webhookSecret")}>
        <Input id="stripe-webhook-secret" type="password" autoComplete="off" spellCheck={false} value={values.webhookSecret} onChange={set("webhookSecret")} invalid={Boolean(errorOf("webhookSecret"))} />
      </Field>
      {connect.error && !fieldError(connect.error, "apiKey") && !fieldError(connect.error, "publishableKey") && !fieldError(connect.error, "webhookSecret") ? (
        <Alert>{formError(connect.error)}</Alert>
      ) : null}
      <Button type="submit" pending={connect.isPending}>
        Check and connect
      </Button>
    </form>
  );
}
