/**
 * The Overview's case rows, as a CSV export: every case any figure of the
 * Overview page counts, with the columns those figures are computed from.
 *
 * Which cases: those open now, those closed since the previous period began
 * (recovered revenue and its comparison, closed counts, the at-risk series'
 * tail), and those opened since the period began (opened counts, the series).
 * A case that was open at some moment of the period is either open now or
 * closed after the period began, so its attempts and its customer's emails are
 * in the file too.
 *
 * Per case: status, cohort, stage, currency, amounts, opened and closed times
 * (the case figures); the emails its customer's series has sent so far (the
 * dunning step of an open case); its payment attempts in the period by source
 * and outcome. Per customer thread, repeated on each of the thread's cases and
 * counted once per thread: the dunning emails sent in the period, and how many
 * of those were opened and clicked. `overview-export.test.ts` recomputes every
 * figure of the page from this file for a seeded sandbox history.
 *
 * The definitions of each figure (and so of each column) are those of
 * `overview.ts`; when a query there changes, this file and its test change
 * with it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import type { CaseStatus, Cohort, DunningStage, RecoveryChannel } from "@/server/db/schema";
import { money, type CsvColumn } from "./csv";
import { attemptSourceOrder, type AttemptSource } from "./overview";
import type { ReportScope } from "./scope";

export const attemptOutcomes = ["succeeded", "failed", "requires_action"] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];
export type AttemptCounts = Record<AttemptSource, Record<AttemptOutcome, number>>;

export type OverviewCaseRow = {
  caseId: string;
  threadId: string;
  customerId: string;
  invoiceNumber: string;
  cohort: Cohort;
  status: CaseStatus;
  stage: DunningStage;
  declineCode: string;
  currency: string;
  amount: number;
  /** 0 unless recovered. */
  recoveredAmount: number;
  recoveredVia: RecoveryChannel | null;
  openedAt: Date;
  closedAt: Date | null;
  /** Dunning emails the customer's current series has sent so far (all time); the dunning step of an open case. */
  threadEmailsSoFar: number;
  /** Payment attempts on this case in the period, by source and outcome. */
  attempts: AttemptCounts;
  /** The thread's dunning emails sent in the period, and of those, opened and clicked so far. */
  threadEmailsSent: number;
  threadEmailsOpened: number;
  threadEmailsClicked: number;
};

type RawRow = {
  case_id: string;
  cursor_at: string;
  thread_id: string;
  customer_id: string;
  invoice_number: string;
  cohort: Cohort;
  status: CaseStatus;
  stage: DunningStage;
  decline_code: string;
  currency: string;
  amount: number;
  recovered_amount: number;
  recovered_via: RecoveryChannel | null;
  opened_at: Date | string;
  closed_at: Date | string | null;
  emails_so_far: number;
  attempts: Record<string, number> | string | null;
  emails_sent: number;
  emails_opened: number;
  emails_clicked: number;
};

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** postgres-js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

type Cursor = { at: string; id: string };

async function fetchRows(db: Db, s: ReportScope, after: Cursor | null, limit: number): Promise<RawRow[]> {
  const { from, to, previous } = s.period;
  const cursor = after ? sql`and (c.opened_at, c.id) > (${after.at}::timestamptz, ${after.id})` : sql``;
  const result = await db.execute(sql`
    select c.id as case_id, c.opened_at::text as cursor_at, c.thread_id, cu.external_id as customer_id,
      coalesce(i.number, i.external_id) as invoice_number, c.cohort::text as cohort, c.status::text as status,
      c.stage::text as stage, c.decline_code, upper(c.currency) as currency, c.amount,
      case when c.status = 'recovered' then coalesce(c.recovered_amount, 0) else 0 end as recovered_amount,
      case when c.status = 'recovered' then c.recovered_via::text end as recovered_via,
      c.opened_at, c.closed_at,
      th.emails_sent as emails_so_far,
      (select coalesce(jsonb_object_agg(k.key, k.n), '{}'::jsonb) from (
        select a.source || ':' || a.outcome as key, count(*)::int as n from payment_attempts a
        where a.case_id = c.id and a.workspace_id = ${s.workspaceId} and a.at >= ${at(from)} and a.at < ${at(to)}
        group by 1) k) as attempts,
      e.sent as emails_sent, e.opened as emails_opened, e.clicked as emails_clicked
    from recovery_cases c
    join customers cu on cu.id = c.customer_id and cu.workspace_id = ${s.workspaceId}
    join invoices i on i.id = c.invoice_id and i.workspace_id = ${s.workspaceId}
    join dunning_threads th on th.id = c.thread_id and th.workspace_id = ${s.workspaceId}
    cross join lateral (
      select count(*)::int as sent, count(m.first_opened_at)::int as opened, count(m.first_clicked_at)::int as clicked
      from timeline_events t
      join outbox_messages m on m.id = t.data->>'messageId' and m.workspace_id = ${s.workspaceId}
        and m.kind = 'dunning' and m.status = 'sent'
      where t.thread_id = c.thread_id and t.kind = 'email_sent' and t.workspace_id = ${s.workspaceId}
        and coalesce(m.sent_at, m.created_at) >= ${at(from)} and coalesce(m.sent_at, m.created_at) < ${at(to)}
    ) e
    where c.workspace_id = ${s.workspaceId} and c.livemode = ${s.livemode}
      and (c.status = 'open' or c.closed_at >= ${at(previous.from)} or c.opened_at >= ${at(from)})
      ${cursor}
    order by c.opened_at, c.id
    limit ${limit}`);
  return rowsOf<RawRow>(result);
}

function attemptCounts(raw: RawRow["attempts"]): AttemptCounts {
  const parsed: Record<string, number> = typeof raw === "string" ? (JSON.parse(raw) as Record<string, number>) : (raw ?? {});
  const counts = {} as AttemptCounts;
  for (const source of attemptSourceOrder) {
    counts[source] = { succeeded: 0, failed: 0, requires_action: 0 };
    for (const outcome of attemptOutcomes) counts[source][outcome] = Number(parsed[`${source}:${outcome}`] ?? 0);
  }
  return counts;
}

/** The Overview's case rows for `scope`, in (`opened_at`, id) order, `batchSize` at a time (keyset pagination). */
export async function* overviewCaseRowBatches(db: Db, scope: ReportScope, batchSize = 5000): AsyncGenerator<OverviewCaseRow[]> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = await fetchRows(db, scope, after, batchSize);
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      caseId: r.case_id,
      threadId: r.thread_id,
      customerId: r.customer_id,
      invoiceNumber: r.invoice_number,
      cohort: r.cohort,
      status: r.status,
      stage: r.stage,
      declineCode: r.decline_code,
      currency: r.currency,
      amount: Number(r.amount),
      recoveredAmount: Number(r.recovered_amount),
      recoveredVia: r.recovered_via,
      openedAt: toDate(r.opened_at),
      closedAt: r.closed_at === null ? null : toDate(r.closed_at),
      threadEmailsSoFar: Number(r.emails_so_far),
      attempts: attemptCounts(r.attempts),
      threadEmailsSent: Number(r.emails_sent),
      threadEmailsOpened: Number(r.emails_opened),
      threadEmailsClicked: Number(r.emails_clicked),
    }));
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.case_id };
  }
}

/** Every row at once (tests, small workspaces). */
export async function listOverviewCaseRows(db: Db, scope: ReportScope): Promise<OverviewCaseRow[]> {
  const all: OverviewCaseRow[] = [];
  for await (const batch of overviewCaseRowBatches(db, scope)) all.push(...batch);
  return all;
}

const attemptColumns: CsvColumn<OverviewCaseRow>[] = attemptSourceOrder.flatMap((source) =>
  attemptOutcomes.map((outcome) => ({
    header: `attempts_in_period_${source}_${outcome}`,
    value: (r: OverviewCaseRow) => r.attempts[source][outcome],
  })),
);

export const overviewCaseColumns: CsvColumn<OverviewCaseRow>[] = [
  { header: "case_id", value: (r) => r.caseId },
  { header: "thread_id", value: (r) => r.threadId },
  { header: "customer_id", value: (r) => r.customerId },
  { header: "invoice_number", value: (r) => r.invoiceNumber },
  { header: "cohort", value: (r) => r.cohort },
  { header: "status", value: (r) => r.status },
  { header: "stage", value: (r) => r.stage },
  { header: "decline_code", value: (r) => r.declineCode },
  { header: "currency", value: (r) => r.currency },
  { header: "invoice_amount", value: (r) => money(r.amount, r.currency) },
  { header: "recovered_amount", value: (r) => money(r.recoveredAmount, r.currency) },
  { header: "recovered_via", value: (r) => r.recoveredVia },
  { header: "opened_at", value: (r) => r.openedAt },
  { header: "closed_at", value: (r) => r.closedAt },
  { header: "thread_emails_so_far", value: (r) => r.threadEmailsSoFar },
  ...attemptColumns,
  { header: "thread_emails_sent_in_period", value: (r) => r.threadEmailsSent },
  { header: "thread_emails_opened", value: (r) => r.threadEmailsOpened },
  { header: "thread_emails_clicked", value: (r) => r.threadEmailsClicked },
];

/** What each column means, for the page and the README (one line per column group). */
export const OVERVIEW_EXPORT_NOTES = [
  "One row per case the Overview counts: open now, closed since the previous period began, or opened since this period began.",
  "Amounts are in the currency's major units (for example 12.50 USD); recovered_amount is 0 unless the case was recovered.",
  "thread_emails_so_far: dunning emails the customer's current series has sent (the dunning step of an open treatment case).",
  "attempts_in_period_<source>_<outcome>: charges of this case made in the period.",
  "thread_* email columns belong to the customer's series and repeat on each of its cases: count them once per thread_id.",
] as const;
