import { createHash } from "node:crypto";

/**
 * Treatment or holdout, decided by a hash of the workspace's salt and the
 * customer's id: the same customer always lands in the same group, and about
 * `holdoutPercent` of customers land in the holdout. The engine stores the
 * result on the customer the first time, so later policy changes never move
 * a customer between groups.
 */
export function assignCohort(salt: string, customerKey: string, holdoutPercent: number): "treatment" | "holdout" {
  const digest = createHash("sha256").update(`${salt}:${customerKey}`).digest();
  const bucket = (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
  return bucket < holdoutPercent ? "holdout" : "treatment";
}
