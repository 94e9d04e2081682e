"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { fieldError, formError } from "@/components/trpc-errors";

export function RenameWorkspaceForm({ workspaceId, name: initial }: { workspaceId: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(initial);
  const rename = useMutation(trpc.workspace.rename.mutationOptions({ onSuccess: () => router.refresh() }));
  const nameError = fieldError(rename.error, "name");
  return (
    <form
      className="flex flex-col gap-3 sm:flex-row sm:items-start"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        rename.mutate({ workspaceId, name });
      }}
    >
      <div className="flex-1">
        <Field id="workspace-name" label="Name" error={nameError}>
          <Input id="workspace-name" value={name} onChange={(e) => setName(e.target.value)} invalid={Boolean(nameError)} maxLength={60} />
        </Field>
      </div>
      <div className="sm:pt-7">
        <Button type="submit" pending={rename.isPending} disabled={name.trim() === initial}>
          Save
        </Button>
      </div>
      {rename.error && !nameError ? <Alert>{formError(rename.error)}</Alert> : null}
      {rename.isSuccess && !rename.isPending ? (
        <p className="text-sm text-emerald-700 sm:pt-9" role="status">
          Saved.
        </p>
      ) : null}
    </form>
  );
}
