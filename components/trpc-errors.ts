import { TRPCClientError } from "@trpc/client";

type ErrorData = { fieldErrors?: Record<string, string[] | undefined> | null; code?: string } | undefined;

/** The message of one field's validation error from a tRPC call, if any. */
export function fieldError(error: unknown, field: string): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as ErrorData;
  return data?.fieldErrors?.[field]?.[0] ?? null;
}

/** A sentence for a person about a failed call. */
export function formError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as ErrorData;
    if (data?.code === "BAD_REQUEST" && data.fieldErrors) {
      const first = Object.values(data.fieldErrors).flat()[0];
      if (first) return first;
    }
    if (data?.code === "INTERNAL_SERVER_ERROR") return "Something went wrong on our side. Try again in a moment.";
    return error.message;
  }
  return "We could not reach the server. Check your connection and try again.";
}
