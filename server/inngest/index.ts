import { cardUpdatedFunction } from "./functions/recovery/card-updated";
import { runThread } from "./functions/recovery/run-thread";
import { sweep } from "./functions/recovery/sweep";
import { stripeEventFunction, stripeSweep } from "./functions/stripe/events";

/** Every function served at /api/inngest. Their ids are stable: Inngest keys runs and history on them. */
export const functions = [runThread, cardUpdatedFunction, sweep, stripeEventFunction, stripeSweep];
