import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getServerApi } from "@/server/api/server";
import { currentUser } from "@/server/auth";
import { LAST_WORKSPACE_COOKIE } from "@/server/workspace-cookie";

export const dynamic = "force-dynamic";

/** Home: the last workspace opened, the first one, or making one. */
export default async function Home() {
  if (!(await currentUser())) redirect("/sign-in");
  const api = await getServerApi();
  const workspaces = await api.workspace.list();
  if (workspaces.length === 0) redirect("/workspaces/new");
  const last = (await cookies()).get(LAST_WORKSPACE_COOKIE)?.value;
  const target = workspaces.find((w) => w.slug === last) ?? workspaces[0]!;
  redirect(`/w/${target.slug}/overview`);
}
