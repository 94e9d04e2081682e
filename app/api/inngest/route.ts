import { serve } from "inngest/next";
import { inngest } from "@/server/inngest/client";
import { functions } from "@/server/inngest";

// Inngest calls this route to register the functions (PUT) and to run their steps (POST).
export const { GET, POST, PUT } = serve({ client: inngest, functions });
