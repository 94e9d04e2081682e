import { recordOpen } from "@/server/messaging/tracking";
import { getRecoveryDeps } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/**
 * The open pixel of a dunning email. It answers the same image whatever the
 * id (unknown, malformed, or the database down), so it never breaks an email
 * and reveals nothing; a known id records an open.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    const deps = await getRecoveryDeps();
    await recordOpen(deps, { trackingId: id });
  } catch (error) {
    console.error("Could not record an email open", error instanceof Error ? error.message : error);
  }
  return new Response(new Uint8Array(PIXEL), {
    headers: {
      "content-type": "image/gif",
      "content-length": String(PIXEL.length),
      "cache-control": "no-store, no-cache, must-revalidate, private",
      "referrer-policy": "no-referrer",
    },
  });
}
