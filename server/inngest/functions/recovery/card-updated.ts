import { NonRetriableError } from "inngest";
import { payCaseAfterCardUpdate, type CardUpdateAttribution } from "@/server/recovery/card-update";
import { sendReceipts, type RecoveredCase } from "@/server/recovery/close";
import { workspaceNow } from "@/server/recovery/context";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { threadIsOpen } from "@/server/recovery/thread-actions";
import { getRecoveryDeps } from "@/server/runtime";
import { inngest } from "../../client";
import { cardUpdated } from "../../events";

/**
 * The customer's card changed: charge every open invoice of the thread at
 * once, one step per invoice, so a slow or failing charge is retried on its
 * own and never charges the others twice. Then one receipt for what was paid,
 * and the thread's run is told: cancelled when the thread closed, woken when
 * it is still open (a declined new card may have planned retries).
 */
export function createCardUpdated(getDeps: () => Promise<RecoveryDeps>) {
  return inngest.createFunction(
    {
      id: "recovery-card-updated",
      name: "Recovery: charge open invoices after a card update",
      triggers: [cardUpdated],
    },
    async ({ event, step }) => {
      const { workspaceId, threadId, linkId, emailDay, messageKey, via } = event.data;
      const caseIds = [...new Set(event.data.caseIds)];
      const attribution: CardUpdateAttribution = { linkId, emailDay, messageKey, via };
      // A link is spent once, so it names the update; a network card update
      // has no link, and its event does (Inngest gives every event an id).
      if (!(via === "card_update" && linkId) && !event.id) {
        throw new NonRetriableError("A card.updated event without a link needs an event id to charge idempotently.");
      }
      const updateKey = via === "card_update" && linkId ? `card-update:${linkId}` : `card-updater:${event.id}`;

      const payments = await Promise.all(
        caseIds.map((caseId) =>
          step.run(`pay-${caseId}`, async () =>
            payCaseAfterCardUpdate(await getDeps(), { caseId, attribution, idempotencyKey: `${updateKey}:${caseId}` }),
          ),
        ),
      );

      const recovered: RecoveredCase[] = payments.flatMap((p) => (p.recovered ? [p.recovered] : []));
      const thread = await step.run("after-payments", async () => {
        const deps = await getDeps();
        if (recovered.length > 0) {
          await sendReceipts(deps, recovered, await workspaceNow(deps, workspaceId), `receipt:${updateKey}`, null);
        }
        const open = await threadIsOpen(deps.db, threadId);
        if (open) await deps.hooks.threadPlanned({ workspaceId, threadId });
        else await deps.hooks.threadClosed({ workspaceId, threadId });
        return open ? ("open" as const) : ("closed" as const);
      });

      return { thread, invoices: payments.map((p) => p.result) };
    },
  );
}

export const cardUpdatedFunction = createCardUpdated(getRecoveryDeps);
