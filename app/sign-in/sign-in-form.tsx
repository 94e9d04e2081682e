"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { requestSignInLink, type SignInState } from "./actions";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(requestSignInLink, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field id="email" label="Work email" error={state.error}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          placeholder="you@company.com"
          defaultValue={state.email}
          invalid={Boolean(state.error)}
          required
          autoFocus
        />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Sending…" : "Email me a sign-in link"}
      </Button>
      {state.error && state.error.startsWith("We could not") ? <Alert>{state.error}</Alert> : null}
    </form>
  );
}
