import type { NextRequest } from "next/server";
import { createContext } from "@/server/api/context";
import { csvExport } from "../_components/csv-export";

export const dynamic = "force-dynamic";

/** The holdout-lift summary (one row per comparison and currency). GET ?period=90d (or ?from=…&to=…): see csvExport for who may download and what each status means. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  return csvExport(await createContext(), (await params).slug, request.nextUrl.searchParams, "lift-summary");
}
