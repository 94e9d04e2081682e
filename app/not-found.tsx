import { AuthCard } from "@/components/auth-card";
import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <AuthCard title="Page not found">
      <div className="space-y-4 text-sm text-zinc-600">
        <p>There is nothing at this address, or it belongs to a workspace you are not a member of.</p>
        <ButtonLink href="/" className="w-full">
          Go to my workspaces
        </ButtonLink>
      </div>
    </AuthCard>
  );
}
