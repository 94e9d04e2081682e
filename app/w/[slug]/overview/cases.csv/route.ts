import type { NextRequest } from "next/server";
import { createContext } from "@/server/api/context";
import { csvExport } from "../../reports/_components/csv-export";

export const dynamic = "force-dynamic";

/** The Overview's case rows (every figure of the page can be recomputed from them). GET ?period=30d (or ?from=…&to=…): see csvExport for who may download and what each status means. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  return csvExport(await createContext(), (await params).slug, request.nextUrl.searchParams, "overview-cases");
}
