"use client";

import { AuthCard } from "@/components/auth-card";
import { Button } from "@/components/ui/button";

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <AuthCard title="Something went wrong">
      <div className="space-y-4 text-sm text-zinc-600">
        <p>
          The page could not be shown{error.digest ? ` (reference ${error.digest})` : ""}. Try again; if it keeps happening, the
          server log has the details.
        </p>
        <Button onClick={reset} className="w-full">
          Try again
        </Button>
      </div>
    </AuthCard>
  );
}
