"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { SearchX } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";

export default function RecoveryNotFound() {
  const { slug } = useParams<{ slug: string }>();
  return (
    <EmptyState
      icon={SearchX}
      title="This recovery does not exist here"
      action={
        <Link href={`/w/${slug}/recoveries`} className="font-medium text-brand-700 underline">
          Back to Recoveries
        </Link>
      }
    >
      The link may be mistyped, or the case belongs to another workspace. Every case of this workspace is listed under Recoveries.
    </EmptyState>
  );
}
