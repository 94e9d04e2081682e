import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxMessages, workspaceBranding, type Workspace } from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { createWorkspace } from "@/server/queries/workspaces";
import { defaultPolicy } from "@/server/recovery/policy";
import type { DunningEmail, ReceiptEmail } from "@/server/recovery/ports";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { getBranding, resolveBranding } from "./branding";
import { createNotifier } from "./notifier";

const database = await openTestDatabase();
const db = database.db;
const FROM = "Reclaim <no-reply@reclaim.local>";
const notifier = createNotifier({ db, mailer: createMailer(db, outboxTransport, FROM), appUrl: "http://localhost:3000" });

const SCRIPT = "<script>alert(1)</script>";
const ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;";
const UPDATE_URL = "http://localhost:3000/update/tok_123";

const key = (label: string) => `${label}:${crypto.randomBytes(8).toString("hex")}`;

let owner: { id: string };
let acme: Workspace;

beforeAll(async () => {
  owner = await createTestUser(database, "notifier");
  acme = await createWorkspace(db, { name: "Acme Analytics", ownerId: owner.id });
});

async function workspaceWithBranding(name: string, branding: Partial<typeof workspaceBranding.$inferInsert> | null) {
  const workspace = await createWorkspace(db, { name, ownerId: owner.id });
  if (branding) await db.insert(workspaceBranding).values({ workspaceId: workspace.id, ...branding });
  return workspace;
}

function dunning(workspaceId: string, overrides: Partial<DunningEmail> = {}): DunningEmail {
  const step = defaultPolicy.emails[0];
  if (!step) throw new Error("the default policy has no emails");
  return {
    workspaceId,
    threadId: "thread_1",
    livemode: false,
    sentAt: new Date("2026-03-02T10:00:00Z"),
    idempotencyKey: key("email"),
    to: "ada@example.com",
    customerName: "Ada Lovelace",
    locale: "en-US",
    timezone: "America/New_York",
    step: { ...step, index: 1, total: defaultPolicy.emails.length },
    reason: { category: "soft", kind: "card_expired", customerReason: "your card on file has expired" },
    invoices: [{ invoiceNumber: "INV-0001", amount: 4900, currency: "usd" }],
    updateUrl: UPDATE_URL,
    finalActionAt: new Date("2026-07-05T02:00:00Z"),
    finalAction: "cancel",
    ...overrides,
  };
}

function receipt(workspaceId: string, overrides: Partial<ReceiptEmail> = {}): ReceiptEmail {
  return {
    workspaceId,
    idempotencyKey: key("receipt"),
    to: "ada@example.com",
    customerName: "Ada Lovelace",
    locale: "en-US",
    timezone: "America/New_York",
    paidAt: new Date("2026-06-12T15:30:00Z"),
    invoices: [
      { invoiceNumber: "INV-0001", amount: 4900, currency: "usd" },
      { invoiceNumber: "INV-0002", amount: 4900, currency: "usd" },
    ],
    paymentMethodLabel: "Visa ending 4242",
    ...overrides,
  };
}

async function stored(messageId: string) {
  const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId));
  if (!row) throw new Error(`message ${messageId} not in the outbox`);
  return row;
}

describe("sendDunningEmail", () => {
  it("records the email's mode (its cases') on the outbox row, for the reports", async () => {
    const { messageId } = await notifier.sendDunningEmail(dunning(acme.id, { livemode: true }));
    expect((await stored(messageId)).livemode).toBe(true);
  });

  it("records a branded, filled-in email in the outbox", async () => {
    const email = dunning(acme.id);
    const { messageId, duplicate } = await notifier.sendDunningEmail(email);
    expect(duplicate).toBe(false);
    const row = await stored(messageId);

    expect(row).toMatchObject({
      kind: "dunning",
      workspaceId: acme.id,
      to: "ada@example.com",
      // The merchant's name as sender, Reclaim's configured address.
      from: '"Acme Analytics" <no-reply@reclaim.local>',
      idempotencyKey: email.idempotencyKey,
      subject: "Your Acme Analytics payment didn't go through",
      metadata: { stepDay: "0", tone: "friendly", step: "1/6" },
      livemode: false,
    });
    expect(row.html).toContain(`href="${UPDATE_URL}"`);
    expect(row.html).toContain("Acme Analytics");
    expect(row.html).toContain("We tried to charge $49.00 for your Acme Analytics subscription");
    expect(row.html).toContain("your card on file has expired");
    expect(row.html).toContain("Update your card");
    expect(row.html).not.toContain("{{");
    expect(row.text).toContain(UPDATE_URL);
    expect(row.text).toContain("Hi Ada Lovelace,");
    expect(row.text).toContain("$49.00");
    expect(row.text).toMatch(/why|receiving this email/i);
  });

  it("formats zero-decimal currencies without dividing", async () => {
    const { messageId } = await notifier.sendDunningEmail(
      dunning(acme.id, { invoices: [{ invoiceNumber: "INV-JP", amount: 4900, currency: "jpy" }], locale: "en-US" }),
    );
    const row = await stored(messageId);
    expect(row.html).toContain("¥4,900");
    expect(row.html).not.toContain("¥49");
  });

  it("lists invoices in different currencies separately and never adds them up", async () => {
    const { messageId } = await notifier.sendDunningEmail(
      dunning(acme.id, {
        invoices: [
          { invoiceNumber: "INV-US", amount: 4900, currency: "usd" },
          { invoiceNumber: "INV-JP", amount: 4900, currency: "jpy" },
        ],
      }),
    );
    const row = await stored(messageId);
    expect(row.html).toContain("INV-US");
    expect(row.html).toContain("INV-JP");
    expect(row.html).toContain("We tried to charge $49.00 and ¥4,900 for your");
    // 4900 + 4900 in either currency would be a sum across currencies.
    expect(row.html).not.toContain("$98.00");
    expect(row.html).not.toContain("¥9,800");
    expect(row.text).toMatch(/INV-US\s+\$49\.00/);
    expect(row.text).toMatch(/INV-JP\s+¥4,900/);
  });

  it("escapes merchant and customer text: no markup from them reaches the HTML", async () => {
    const evil = await workspaceWithBranding(`Evil ${SCRIPT}`, { displayName: `Shop ${SCRIPT}` });
    const step = {
      day: 3,
      tone: "reminder" as const,
      subject: "Hello {{customer_name}} from {{merchant_name}}",
      body: `Hi {{customer_name}},\n\n<b>{{merchant_name}}</b> says: <img src=x onerror=alert(1)> pay {{amount}} here {{update_link}}`,
      index: 2,
      total: 6,
    };
    const { messageId } = await notifier.sendDunningEmail(dunning(evil.id, { customerName: `Mallory ${SCRIPT}`, step }));
    const row = await stored(messageId);

    expect(row.html).not.toContain(SCRIPT);
    expect(row.html).not.toContain("<b>");
    expect(row.html).not.toContain("<img src=x");
    expect(row.html).toContain(`Hi Mallory ${ESCAPED_SCRIPT},`);
    expect(row.html).toContain(`Shop ${ESCAPED_SCRIPT}`);
    expect(row.html).toContain("&lt;b&gt;");
    // The subject is a header, not HTML: it carries the text as written, on one line.
    expect(row.subject).toBe(`Hello Mallory ${SCRIPT} from Shop ${SCRIPT}`);
  });

  it("keeps a name with line breaks from breaking the subject line", async () => {
    const { messageId } = await notifier.sendDunningEmail(
      dunning(acme.id, {
        customerName: "Ada\r\nBcc: victim@example.com",
        step: { day: 0, tone: "friendly", subject: "Hi {{customer_name}}", body: "Hello", index: 1, total: 1 },
      }),
    );
    expect((await stored(messageId)).subject).toBe("Hi Ada Bcc: victim@example.com");
  });

  it("sends once per idempotency key", async () => {
    const email = dunning(acme.id);
    const first = await notifier.sendDunningEmail(email);
    const second = await notifier.sendDunningEmail(email);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ messageId: first.messageId, duplicate: true, subject: first.subject });
    const rows = await db.select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, email.idempotencyKey));
    expect(rows).toHaveLength(1);
  });

  it("changes the button and adds a notice with the date for a final step", async () => {
    const final = defaultPolicy.emails.find((s) => s.tone === "final");
    if (!final) throw new Error("the default policy has no final email");
    const { messageId } = await notifier.sendDunningEmail(
      dunning(acme.id, { step: { ...final, index: 6, total: 6 }, finalAction: "pause", finalActionAt: new Date("2026-07-05T02:00:00Z") }),
    );
    const row = await stored(messageId);
    expect(row.html).toContain("Update your card now to keep your subscription");
    expect(row.html).toContain("Final notice");
    // 02:00 UTC on July 5 is still July 4 in New York.
    expect(row.html).toContain("Your subscription will be paused on July 4, 2026");
    expect(row.metadata).toMatchObject({ tone: "final", stepDay: "28" });
  });

  it("uses the workspace's branding when it has some", async () => {
    const branded = await workspaceWithBranding("Branded Inc", {
      displayName: "Branded",
      accentColor: "#0F766E",
      supportEmail: "help@branded.example",
      logoUrl: "https://cdn.branded.example/logo.png",
    });
    const { messageId } = await notifier.sendDunningEmail(dunning(branded.id));
    const row = await stored(messageId);
    expect(row.subject).toBe("Your Branded payment didn't go through");
    expect(row.html).toContain("help@branded.example");
    expect(row.html).toContain('src="https://cdn.branded.example/logo.png"');
    expect(row.html).toContain("#0f766e");
    expect(row.html).not.toContain("Branded Inc");
  });
});

describe("sendReceipt", () => {
  it("records the receipt with what was paid and how", async () => {
    const email = receipt(acme.id);
    const { messageId, duplicate } = await notifier.sendReceipt(email);
    expect(duplicate).toBe(false);
    const row = await stored(messageId);
    expect(row).toMatchObject({ kind: "receipt", workspaceId: acme.id, subject: "Receipt for your Acme Analytics payment" });
    expect(row.html).toContain("Payment received");
    expect(row.html).toContain("INV-0001");
    expect(row.html).toContain("INV-0002");
    expect(row.html).toContain("$98.00 paid on June 12, 2026.");
    expect(row.html).toContain("Visa ending 4242");
    expect(row.text).toContain("Payment received");

    expect(await notifier.sendReceipt(email)).toEqual({ messageId, duplicate: true });
  });
});

describe("branding", () => {
  it("falls back to the workspace's name and Reclaim's colour without a branding row", async () => {
    expect(await getBranding(db, acme.id)).toEqual({
      displayName: "Acme Analytics",
      logoUrl: null,
      accentColor: "#4f46e5",
      supportEmail: null,
    });
  });

  it("fails clearly for a workspace that does not exist", async () => {
    await expect(getBranding(db, crypto.randomUUID())).rejects.toThrow(/not found/);
  });

  it("drops values that cannot be shown safely", () => {
    expect(
      resolveBranding("Acme", {
        displayName: "   ",
        logoUrl: "javascript:alert(1)",
        accentColor: "red;background:url(https://evil.example)",
        supportEmail: "a@b.example<script>",
      }),
    ).toEqual({ displayName: "Acme", logoUrl: null, accentColor: "#4f46e5", supportEmail: null });
  });
});
