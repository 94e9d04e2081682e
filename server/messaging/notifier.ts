import { createElement } from "react";
import DunningEmail, { dunningSubject, type DunningEmailProps } from "@/emails/dunning";
import ReceiptEmail, { receiptSubject, type ReceiptEmailProps } from "@/emails/receipt";
import type { Db } from "@/server/db/client";
import type { Mailer } from "@/server/mail/mailer";
import { renderEmail } from "@/server/mail/render";
import type { Notifier } from "@/server/recovery/ports";
import { getBranding } from "./branding";
import { newTrackingId, openPixelUrl } from "./tracking";

/**
 * The customer-facing emails of the recovery domain: branded with the workspace's branding,
 * rendered to HTML and plain text, and handed to the mailer, which records them in the outbox
 * under the caller's idempotency key (a re-run action sends nothing new).
 *
 * The From address is still the mailer's single one; showing the merchant's name as the sender
 * needs a per-email From in the mailer (to come with verified sender domains).
 */
export function createNotifier(deps: { db: Db; mailer: Mailer; /** Public address of the app, for the open pixel. */ appUrl: string }): Notifier {
  const { db, mailer, appUrl } = deps;
  return {
    async sendDunningEmail(email) {
      const branding = await getBranding(db, email.workspaceId);
      const trackingId = newTrackingId();
      const props: DunningEmailProps = {
        branding,
        customerName: email.customerName,
        step: { day: email.step.day, tone: email.step.tone, subject: email.step.subject, body: email.step.body },
        reason: email.reason.customerReason,
        invoices: email.invoices,
        updateUrl: email.updateUrl,
        trackingPixelUrl: openPixelUrl(appUrl, trackingId),
        finalAction: email.finalAction,
        finalActionAt: email.finalActionAt,
        locale: email.locale,
        timezone: email.timezone,
      };
      const { html, text } = await renderEmail(createElement(DunningEmail, props));
      const { message, duplicate } = await mailer.send({
        idempotencyKey: email.idempotencyKey,
        kind: "dunning",
        workspaceId: email.workspaceId,
        fromName: branding.displayName,
        replyTo: branding.supportEmail,
        to: email.to,
        subject: dunningSubject(props),
        html,
        text,
        trackingId,
        livemode: email.livemode,
        sentAt: email.sentAt,
        metadata: {
          threadId: email.threadId,
          stepDay: String(email.step.day),
          tone: email.step.tone,
          step: `${email.step.index}/${email.step.total}`,
          declineCategory: email.reason.category,
        },
      });
      return { messageId: message.id, duplicate, subject: message.subject };
    },

    async sendReceipt(email) {
      const branding = await getBranding(db, email.workspaceId);
      const props: ReceiptEmailProps = {
        branding,
        customerName: email.customerName,
        paidAt: email.paidAt,
        invoices: email.invoices,
        paymentMethodLabel: email.paymentMethodLabel,
        locale: email.locale,
        timezone: email.timezone,
      };
      const { html, text } = await renderEmail(createElement(ReceiptEmail, props));
      const { message, duplicate } = await mailer.send({
        idempotencyKey: email.idempotencyKey,
        kind: "receipt",
        workspaceId: email.workspaceId,
        fromName: branding.displayName,
        replyTo: branding.supportEmail,
        to: email.to,
        subject: receiptSubject(props),
        html,
        text,
        metadata: { invoices: email.invoices.map((i) => i.invoiceNumber).join(", ") },
      });
      return { messageId: message.id, duplicate };
    },
  };
}
