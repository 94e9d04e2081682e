"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { useTRPC } from "@/components/trpc";
import { formError } from "@/components/trpc-errors";

export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({ onSuccess: (workspace) => router.push(`/w/${workspace.slug}/overview`) }),
  );
  return (
    <div className="space-y-3">
      {accept.error ? <Alert>{formError(accept.error)}</Alert> : null}
      <Button className="w-full" pending={accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ token })}>
        Accept invitation
      </Button>
    </div>
  );
}
