"use client";

import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-zinc-900">This page could not be loaded</h1>
      <Alert>
        Something went wrong on our side{error.digest ? ` (reference ${error.digest})` : ""}. Your data is safe. Try again; if
        it keeps happening, the server log has the details.
      </Alert>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
