import "server-only";
import { cache } from "react";
import { createCaller } from "./root";
import { createContext } from "./context";

/** tRPC for server components: the same procedures and guards as the HTTP API, once per request. */
export const getServerApi = cache(async () => createCaller(await createContext()));
