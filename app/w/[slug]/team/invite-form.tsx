"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc";
import { fieldError, formError } from "@/components/trpc-errors";
import type { Role } from "@/server/auth/roles";

export function InviteForm({ workspaceId, actorRole }: { workspaceId: string; actorRole: Role }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: (invitation) => {
        setSentTo(invitation.email);
        setEmail("");
        router.refresh();
      },
    }),
  );
  const emailError = fieldError(invite.error, "email");
  const assignable: Role[] = actorRole === "owner" ? ["owner", "admin", "finance", "viewer"] : ["admin", "finance", "viewer"];
  return (
    <Card>
      <CardHeader title="Invite a teammate" description="They get an email with a link that adds them to this workspace." />
      <form
        className="grid gap-4 p-5 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSentTo(null);
          invite.mutate({ workspaceId, email, role });
        }}
      >
        <Field id="invite-email" label="Email" error={emailError}>
          <Input
            id="invite-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="teammate@company.com"
            autoComplete="off"
            invalid={Boolean(emailError)}
            required
          />
        </Field>
        <Field id="invite-role" label="Role">
          <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {assignable.map((r) => (
              <option key={r} value={r}>
                {r[0]!.toUpperCase() + r.slice(1)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:pt-7">
          <Button type="submit" pending={invite.isPending} className="w-full sm:w-auto">
            Send invitation
          </Button>
        </div>
        <div className="sm:col-span-3" aria-live="polite">
          {invite.error && !emailError ? <Alert>{formError(invite.error)}</Alert> : null}
          {sentTo ? <Alert tone="success">Invitation sent to {sentTo}.</Alert> : null}
        </div>
      </form>
    </Card>
  );
}
