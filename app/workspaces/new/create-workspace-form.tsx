"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { fieldError, formError } from "@/components/trpc-errors";
import { useTRPC } from "@/components/trpc";

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: (workspace) => router.push(`/w/${workspace.slug}/overview`),
    }),
  );
  const nameError = fieldError(create.error, "name");
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ name });
      }}
    >
      <Field id="workspace-name" label="Business name" hint="Shown to your team and, later, on customer emails." error={nameError}>
        <Input
          id="workspace-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Acme Cloud"
          autoComplete="organization"
          invalid={Boolean(nameError)}
          maxLength={60}
          required
          autoFocus
        />
      </Field>
      {create.error && !nameError ? <Alert>{formError(create.error)}</Alert> : null}
      <Button type="submit" className="w-full" pending={create.isPending || create.isSuccess}>
        Create workspace
      </Button>
    </form>
  );
}
