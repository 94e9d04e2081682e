/**
 * The report bench's data: a year of recovery history for one live workspace, generated in the
 * database with set-based SQL (INSERT … SELECT over generate_series, no row goes through
 * JavaScript), fast enough for a million cases in a few minutes on two cores.
 *
 * What it writes, in the shapes the engine writes them (open-case.ts, actions.ts, close.ts, the
 * notifier), with every foreign key valid:
 * - workspaces: the measured live workspace (`<tag>-main`), another live workspace and a sandbox
 *   workspace (with its test clock), so every report query has rows of other workspaces to skip;
 *   the measured workspace also keeps a sandbox history from before it went live (livemode false).
 * - three sequences per workspace with 3, 2 and 1 versions (the default policy, 10% holdout); a
 *   customer keeps one sequence, the version in use changes over time.
 * - customers (about one per 1.3 cases: one per 1.17 threads) with one subscription each; a
 *   customer's second thread opens about eleven months after the first, so no customer ever has
 *   two open threads. The cohort is the customer's (10% holdout), as is the currency (usd 64%,
 *   eur 18%, gbp 10%, cad 5%, aud 3%).
 * - dunning threads of 1 (90%), 2 (8%) or 3 (2%) invoices; one invoice and one recovery case per
 *   invoice. Cases open on a growth curve (3% a month) over the last 400 days; the cases of a
 *   thread share its decline and its outcome.
 * - declines: soft 68%, hard 23%, needs authentication 4%, do-not-contact 3% (silenced at once),
 *   revoked 2% (cancelled at once), each with its usual codes.
 * - outcomes: recovered with a probability by category and cohort (soft 48% treatment / 25%
 *   holdout, hard 42/16, authentication 39/12) mostly in the first two weeks, by channel (Reclaim's
 *   retries and card updates in treatment only); 3% cancelled by the customer along the way; the
 *   rest lost when the window (28 days) and grace (3) end, up to 4 days later. What would close
 *   after now is open: open cases are all in the last five weeks, in the stage their age gives.
 * - payment attempts (about 2.5 a case): the failed renewal charge, Reclaim's retries (days 1 and 6,
 *   treatment, soft; requires_action for authentication declines), the provider's retry (day 4), and the successful charge that recovered the case (none for out-of-band payments),
 *   all while the case was open, each with its case's mode.
 * - dunning emails (treatment threads that may be contacted; days 0, 3, 7, 14, 21, 28 while the
 *   thread is open): outbox rows with the notifier's metadata (threadId…) and the cases' mode
 *   (livemode), opened 45% and clicked 12% (once those moments have passed), and their `email_sent`
 *   timeline entries (data.messageId), counted on the thread (emails_sent) as the email action does;
 *   a receipt per recovered thread; timeline entries for each failure and each closing.
 * - the per-day report totals (server/db/schema/report-days.ts): not written here but by the
 *   tables' own triggers, once per INSERT statement, as for any other writer.
 *
 * With `bulk` (the bench's own throwaway database only: never a shared one) the foreign keys,
 * unique constraints and indexes of the loaded tables are dropped first and recreated from their
 * own definitions afterwards: re-adding a foreign key validates every row in one pass, so the
 * result is checked as strictly as row-by-row inserts would be, at a fraction of the cost.
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { defaultPolicy } from "@/server/recovery/policy";

export type ReportDataOptions = {
  /** Cases of the measured workspace in live mode. */
  cases: number;
  /** The end of the history (the live workspace's now). */
  now: Date;
  /** Lower-case letters and digits: makes ids, slugs and external ids unique in a shared database. */
  tag: string;
  /** Drop and recreate constraints and indexes around the load (a throwaway database only). */
  bulk: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
};

export type ReportData = {
  /** The measured live workspace. */
  workspaceId: string;
  workspaceIds: string[];
  rows: Record<string, number>;
  steps: { label: string; ms: number }[];
  ms: number;
};

/** Tables the generator fills in bulk (their constraints and indexes are rebuilt with `bulk`). */
const LOADED = [
  "customers",
  "subscriptions",
  "invoices",
  "dunning_threads",
  "recovery_cases",
  "payment_attempts",
  "outbox_messages",
  "timeline_events",
] as const;

const REPORT_DAY_TABLES = ["report_opened_days", "report_closed_days", "report_attempt_days", "report_email_days"] as const;

/** postgres-js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function generateReportData(db: Db, options: ReportDataOptions): Promise<ReportData> {
  const { cases: n, tag } = options;
  if (!/^[a-z0-9]+$/.test(tag)) throw new Error(`tag must be lower-case letters and digits (got "${tag}")`);
  if (!Number.isInteger(n) || n < 100) throw new Error(`cases must be a whole number >= 100 (got ${n})`);
  const log = options.log ?? (() => {});
  const started = performance.now();
  const steps: { label: string; ms: number }[] = [];
  const now = `${literal(options.now.toISOString())}::timestamptz`;
  const id = (kind: string, ...parts: string[]) => `md5(${literal(`${tag}:${kind}`)} || ${parts.map((p) => `':' || ${p}`).join(" || ")})::uuid::text`;
  const t = (name: string) => `bench_${tag}_${name}`;

  const run = async (label: string, statements: string[]) => {
    const began = performance.now();
    for (const statement of statements) await db.execute(sql.raw(statement));
    const ms = performance.now() - began;
    steps.push({ label, ms });
    log(`${label}: ${(ms / 1000).toFixed(1)} s`);
  };
  /** Statement lists run side by side, each in one transaction on its own connection. */
  const lanes = async (work: [string, string[]][], label = work.map(([l]) => l).join(" | ")) => {
    const began = performance.now();
    await Promise.all(
      work.map(([part, statements]) =>
        db.transaction(async (tx) => {
          const laneStart = performance.now();
          for (const statement of statements) await tx.execute(sql.raw(statement));
          log(`  ${part}: ${((performance.now() - laneStart) / 1000).toFixed(1)} s`);
        }),
      ),
    );
    const ms = performance.now() - began;
    steps.push({ label, ms });
    log(`${label}: ${(ms / 1000).toFixed(1)} s`);
  };
  const one = async <T>(statement: string) => rowsOf<T>(await db.execute(sql.raw(statement)));

  // -------------------------------------------------------------------------------------------
  // Populations: (pop, workspace, mode, cases, span of days, days before now it ends)
  const pops = [
    { pop: 1, ws: "main", livemode: true, n, span: 400, endAgo: 0 },
    { pop: 2, ws: "main", livemode: false, n: Math.max(100, Math.round(n / 50)), span: 60, endAgo: 410 },
    { pop: 3, ws: "other", livemode: true, n: Math.max(100, Math.round(n / 20)), span: 400, endAgo: 0 },
    { pop: 4, ws: "sbx", livemode: false, n: Math.max(100, Math.round(n / 33)), span: 200, endAgo: 0 },
  ];
  const wsId = (expression: string) => id("ws", expression);
  const workspaceKeys = ["main", "other", "sbx"];
  const wsRows = await one<{ id: string; key: string }>(
    `select ${id("ws", "k")} as id, k as key from unnest(array[${workspaceKeys.map(literal).join(", ")}]) k`,
  );
  const workspaceIdOf = new Map(wsRows.map((r) => [r.key, r.id]));

  // Thread arithmetic: in every block of 100 cases, 80 threads of one case, 7 of two, 2 of three (89 threads).
  const threadOf = (i: string) =>
    `((${i}) / 100 * 89 + case when (${i}) % 100 < 80 then (${i}) % 100 when (${i}) % 100 < 94 then 80 + ((${i}) % 100 - 80) / 2 else 87 + ((${i}) % 100 - 94) / 3 end)`;
  const posInThread = (i: string) =>
    `(case when (${i}) % 100 < 80 then 0 when (${i}) % 100 < 94 then ((${i}) % 100 - 80) % 2 else ((${i}) % 100 - 94) % 3 end)`;
  const firstCaseOf = (th: string) =>
    `((${th}) / 89 * 100 + case when (${th}) % 89 < 80 then (${th}) % 89 when (${th}) % 89 < 87 then 80 + ((${th}) % 89 - 80) * 2 else 94 + ((${th}) % 89 - 87) * 3 end)`;
  const sizeOf = (th: string) => `(case when (${th}) % 89 < 80 then 1 when (${th}) % 89 < 87 then 2 else 3 end)`;

  const policy = JSON.stringify({ ...defaultPolicy, holdoutPercent: 10 });
  const ddl: { indexes: string[]; unique: string[]; foreign: string[] } = { indexes: [], unique: [], foreign: [] };

  try {
    await run("workspaces, sequences, versions", [
      `create unlogged table ${t("pop")} as
        select pop, ws, ${wsId("ws")} as ws_id, livemode, n, span, end_ago,
          (${threadOf("n - 1")}) + 1 as threads,
          ceil(((${threadOf("n - 1")}) + 1) / 1.17)::int as customers
        from (values ${pops.map((p) => `(${p.pop}, ${literal(p.ws)}, ${p.livemode}, ${p.n}, ${p.span}::float8, ${p.endAgo}::float8)`).join(", ")})
          v(pop, ws, livemode, n, span, end_ago)`,
      `insert into workspaces (id, slug, name, mode, created_at, updated_at)
        select ${id("ws", "k")}, ${literal(`bench-${tag}-`)} || k, 'Bench ' || k, m::workspace_mode, ${now} - interval '500 days', ${now}
        from (values ('main', 'live'), ('other', 'live'), ('sbx', 'sandbox')) v(k, m)`,
      `insert into sandbox_clocks (workspace_id, now) values (${wsId(literal("sbx"))}, ${now})`,
      `insert into sequences (id, workspace_id, name, is_default, current_version, created_at)
        select ${id("seq", "w.k", "s::text")}, ${id("ws", "w.k")}, (array['Standard recovery', 'Annual plans', 'Short window'])[s + 1], s = 0,
          (array[3, 2, 1])[s + 1], ${now} - interval '500 days'
        from unnest(array[${workspaceKeys.map(literal).join(", ")}]) w(k), generate_series(0, 2) s`,
      `insert into sequence_versions (id, workspace_id, sequence_id, version, policy, created_at)
        select ${id("ver", "w.k", "s::text", "v::text")}, ${id("ws", "w.k")}, ${id("seq", "w.k", "s::text")}, v,
          ${literal(policy)}::jsonb, ${now} - interval '500 days' + v * interval '100 days'
        from unnest(array[${workspaceKeys.map(literal).join(", ")}]) w(k), generate_series(0, 2) s, generate_series(1, 3 - s) v`,
    ]);

    if (options.bulk) {
      const tables = LOADED.map(literal).join(", ");
      const foreign = await one<{ def: string; drop: string }>(
        `select format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as def,
            format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop
          from pg_constraint
          where contype = 'f' and connamespace = 'public'::regnamespace
            and (conrelid::regclass::text in (${tables}) or confrelid::regclass::text in (${tables}))`,
      );
      const unique = await one<{ def: string; drop: string }>(
        `select format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as def,
            format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop
          from pg_constraint
          where contype in ('p', 'u') and connamespace = 'public'::regnamespace and conrelid::regclass::text in (${tables})`,
      );
      const indexes = await one<{ def: string; drop: string }>(
        `select pg_get_indexdef(i.indexrelid) as def, format('drop index %s', i.indexrelid::regclass) as drop
          from pg_index i
          where i.indrelid::regclass::text in (${tables})
            and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))`,
      );
      // Nothing may be in these tables yet: this mode is for the bench's own empty database.
      const [existing] = await one<{ n: number }>(`select count(*)::int as n from recovery_cases`);
      if (Number(existing?.n) > 0) throw new Error("bulk mode needs an empty database (it drops and rebuilds constraints and indexes)");
      ddl.foreign = foreign.map((f) => f.def);
      ddl.unique = unique.map((u) => u.def);
      ddl.indexes = indexes.map((x) => x.def);
      await run(`dropped ${foreign.length} foreign keys, ${unique.length} primary/unique constraints, ${indexes.length} indexes for the load`, [
        ...foreign.map((f) => f.drop),
        ...unique.map((u) => u.drop),
        ...indexes.map((x) => x.drop),
      ]);
    }

    // -----------------------------------------------------------------------------------------
    // Staging: random draws stored once per customer, thread and case, so every table agrees.
    await run("staging (customers, threads, cases)", [
      `create unlogged table ${t("cust")} as
        select p.pop, p.ws_id, p.livemode, k,
          random() < 0.10 as holdout,
          (array['usd', 'eur', 'gbp', 'cad', 'aud'])[1 + (r1 >= 0.64)::int + (r1 >= 0.82)::int + (r1 >= 0.92)::int + (r1 >= 0.97)::int] as currency,
          (r2 >= 0.7)::int + (r2 >= 0.9)::int as seq,
          (array[2900, 7900, 19900, 49900])[1 + (r3 >= 0.42)::int + (r3 >= 0.75)::int + (r3 >= 0.93)::int] * (case when r4 < 0.12 then 10 else 1 end) as plan_amount
        from ${t("pop")} p, lateral (select k, random() as r1, random() as r2, random() as r3, random() as r4
          from generate_series(0, p.customers - 1) k) r`,
      // Thread times: a growth of 3% a month over the span, in thread order (so a customer's threads,
      // `customers` threads apart, are months apart), with a few hours of jitter.
      `create unlogged table ${t("thread")} as
        with th0 as materialized (
        select p.pop, p.ws, p.ws_id, p.livemode, th, th % p.customers as k, ${firstCaseOf("th")} as first_case,
          least(${sizeOf("th")}, p.n - ${firstCaseOf("th")}) as size, x,
          least(${now} - interval '1 minute',
            ${now} - (p.end_ago + p.span * (1 - x) + (r0 - 0.5) * 0.25) * interval '1 day') as opened_at,
          r1 as r_cat, r2 as r_code, r3 as r_outcome, r4 as r_delay, r5 as r_via
        from ${t("pop")} p, lateral (
          select th, ln(1 + ((th + 0.5) / p.threads) * (power(1.03, p.span / 30) - 1)) / ln(power(1.03, p.span / 30)) as x,
            random() as r0, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
          from generate_series(0, p.threads - 1) th) r
        ),
        th1 as (
        select h.*, c.currency, c.plan_amount, case when c.holdout then 'holdout' else 'treatment' end as cohort, c.seq,
          case when h.x < (array[0.4, 0.6, 2])[c.seq + 1] then 1 when h.x < (array[0.8, 2, 2])[c.seq + 1] then 2 else 3 end as version,
          case when r_cat < 0.68 then 'soft' when r_cat < 0.91 then 'hard' when r_cat < 0.95 then 'needs_authentication'
            when r_cat < 0.98 then 'do_not_contact' else 'revoked' end as category
        from th0 h join ${t("cust")} c on c.pop = h.pop and c.k = h.k
        ),
        th2 as (
        select h.*,
          case category
            when 'soft' then (array['insufficient_funds', 'generic_decline', 'do_not_honor', 'try_again_later', 'processing_error'])[1 + (r_code >= 0.4)::int + (r_code >= 0.7)::int + (r_code >= 0.85)::int + (r_code >= 0.95)::int]
            when 'hard' then (array['expired_card', 'incorrect_number', 'card_not_supported', 'invalid_account'])[1 + (r_code >= 0.55)::int + (r_code >= 0.75)::int + (r_code >= 0.9)::int]
            when 'needs_authentication' then 'authentication_required'
            when 'do_not_contact' then (array['fraudulent', 'merchant_blacklist'])[1 + (r_code >= 0.7)::int]
            else 'revocation_of_authorization' end as code,
          case when category = 'do_not_contact' then 'silenced'
            when category = 'revoked' then 'cancelled'
            when r_outcome < case category when 'soft' then 0.48 when 'hard' then 0.42 else 0.39 end
              * case when cohort = 'holdout' then case category when 'soft' then 25.0 / 48 when 'hard' then 16.0 / 42 else 12.0 / 39 end else 1 end
              then 'recovered'
            when r_outcome > 0.97 then 'cancelled'
            else 'lost' end as outcome
        from th1 h
        )
        select h.*, ${id("th", "h.pop::text", "h.th::text")} as thread_id, ${id("cu", "h.pop::text", "h.k::text")} as customer_id,
          ${id("ver", "h.ws", "h.seq::text", "h.version::text")} as version_id,
          case when closes > ${now} then null else closes end as closed_at,
          case when closes > ${now} then 'open' else outcome end as status,
          case when closes <= ${now} then 'past_due'
            when ${now} - opened_at < interval '28 days' then 'past_due'
            when ${now} - opened_at < interval '31 days' then 'grace' else 'final' end as stage,
          case when outcome <> 'recovered' then null
            when cohort = 'treatment' and category = 'soft' then (array['reclaim_retry', 'card_update', 'provider_retry', 'card_updater', 'out_of_band'])[1 + (r_via >= 0.58)::int + (r_via >= 0.81)::int + (r_via >= 0.91)::int + (r_via >= 0.96)::int]
            when cohort = 'treatment' and category = 'hard' then (array['card_update', 'card_updater', 'out_of_band'])[1 + (r_via >= 0.75)::int + (r_via >= 0.9)::int]
            when cohort = 'treatment' then (array['card_update', 'reclaim_retry', 'out_of_band'])[1 + (r_via >= 0.6)::int + (r_via >= 0.9)::int]
            when category = 'hard' then (array['card_updater', 'out_of_band'])[1 + (r_via >= 0.8)::int]
            else (array['provider_retry', 'card_updater', 'out_of_band'])[1 + (r_via >= 0.64)::int + (r_via >= 0.84)::int] end as via
        from (
          select h.*, opened_at + case outcome
              when 'silenced' then interval '5 minutes'
              when 'recovered' then (0.1 + 20 * power(r_delay, 2.2)) * interval '1 day'
              when 'cancelled' then case when category = 'revoked' then interval '5 minutes' else (1 + 19 * r_delay) * interval '1 day' end
              else (31 + 4 * r_delay) * interval '1 day' end as closes
          from th2 h
        ) h`,
      `create unlogged table ${t("case")} as
        select h.pop, h.ws_id, h.livemode, h.th, h.k, i, j, ${id("ca", "h.pop::text", "i::text")} as case_id, ${id("in", "h.pop::text", "i::text")} as invoice_id,
          h.thread_id, h.customer_id, h.version_id, h.cohort, h.status, h.stage, h.category, h.code, h.currency, h.via,
          h.opened_at + j * interval '20 seconds' as opened_at, h.closed_at,
          case when j = 0 then h.plan_amount else 900 + (floor(random() * 40) * 100)::int end as amount
        from ${t("thread")} h, generate_series(h.first_case, h.first_case + h.size - 1) i, lateral (select ${posInThread("i")} as j) jj`,
    ]);

    const kindOf = `case code when 'insufficient_funds' then 'insufficient_funds' when 'try_again_later' then 'temporary' when 'processing_error' then 'temporary'
      when 'generic_decline' then 'generic' when 'do_not_honor' then 'generic' when 'expired_card' then 'card_expired'
      when 'authentication_required' then 'authentication' when 'revocation_of_authorization' then 'revoked'
      when 'fraudulent' then 'fraud' when 'merchant_blacklist' then 'fraud' else 'card_invalid' end`;
    const provider = `case when livemode then 'stripe' else 'sandbox' end::billing_provider`;
    // The emails of a thread: the default policy's days while the thread is open (treatment, may be contacted).
    const emailSent = (h: string, day: string) =>
      `${h}.cohort = 'treatment' and ${h}.category in ('soft', 'hard', 'needs_authentication')
        and ${h}.opened_at + ${day} * interval '1 day' + interval '4 minutes' < coalesce(${h}.closed_at, ${now})`;
    const emails = `select h.pop, h.ws_id, h.livemode, h.th, h.k, h.thread_id, h.size, h.first_case, h.category, s.n, s.day, s.tone,
        h.opened_at + s.day * interval '1 day' + interval '4 minutes' as sent_at,
        ${id("msg", "h.pop::text", "h.th::text", "s.n::text")} as message_id
      from ${t("thread")} h
      cross join (values (1, 0, 'friendly'), (2, 3, 'friendly'), (3, 7, 'reminder'), (4, 14, 'reminder'), (5, 21, 'urgent'), (6, 28, 'final')) s(n, day, tone)
      where ${emailSent("h", "s.day")}`;

    // With `bulk` no constraint ties the tables together during the load, so it runs in two lanes at once (two
    // connections; PGlite runs them one after the other).
    const insertCustomers = [
      `insert into customers (id, workspace_id, provider, external_id, email, name, cohort, created_at, updated_at)
        select ${id("cu", "pop::text", "k::text")}, ws_id, ${provider}, ${literal(`cus_${tag}_`)} || pop || '_' || k,
          'customer' || k || '.' || pop || '@example.com', 'Customer ' || k, case when holdout then 'holdout' else 'treatment' end::cohort,
          ${now} - interval '600 days', ${now} - interval '600 days'
        from ${t("cust")}`,
      `insert into subscriptions (id, workspace_id, customer_id, provider, external_id, plan_name, amount, currency, status, updated_at)
        select ${id("sub", "pop::text", "k::text")}, ws_id, ${id("cu", "pop::text", "k::text")}, ${provider}, ${literal(`sub_${tag}_`)} || pop || '_' || k,
          case plan_amount % 10 when 0 then 'Annual' else 'Monthly' end, plan_amount, currency, 'active', ${now}
        from ${t("cust")}`,
    ];
    const insertCases = [
      // emails_sent: the thread's emails below (the email action's count of its email_sent entries).
      `insert into dunning_threads (id, workspace_id, customer_id, sequence_version_id, cohort, status, opened_at, closed_at, emails_sent)
        select h.thread_id, h.ws_id, h.customer_id, h.version_id, h.cohort::cohort, case when h.status = 'open' then 'open' else 'closed' end::thread_status,
          h.opened_at, h.closed_at,
          (select count(*)::int from (values (0), (3), (7), (14), (21), (28)) s(day) where ${emailSent("h", "s.day")})
        from ${t("thread")} h order by h.opened_at`,
      `insert into invoices (id, workspace_id, customer_id, subscription_id, provider, external_id, number, amount_due, currency, status, created_at, paid_at)
        select invoice_id, ws_id, customer_id, ${id("sub", "pop::text", "k::text")}, ${provider},
          ${literal(`in_${tag}_`)} || pop || '_' || i, 'INV-' || pop || '-' || lpad(i::text, 7, '0'), amount, currency,
          case status when 'recovered' then 'paid' when 'open' then 'open' when 'lost' then 'uncollectible' else 'void' end::invoice_status,
          opened_at - interval '1 hour', case when status = 'recovered' then closed_at end
        from ${t("case")} order by opened_at`,
      `insert into recovery_cases (id, workspace_id, thread_id, customer_id, invoice_id, sequence_version_id, cohort, status, stage,
          decline_category, decline_kind, decline_code, advice_code, retry_count, last_attempt_at, amount, currency, needs_attention,
          livemode, opened_at, closed_at, recovered_amount, recovered_via)
        select case_id, ws_id, thread_id, customer_id, invoice_id, version_id, cohort::cohort, status::case_status, stage::dunning_stage,
          category, ${kindOf}, code, case when category = 'do_not_contact' then 'do_not_try_again' end, 0, null, amount, currency,
          category = 'do_not_contact', livemode, opened_at, closed_at, case when status = 'recovered' then amount end,
          case when status = 'recovered' then via end::recovery_channel
        from ${t("case")} order by opened_at`,
    ];
    const insertAttempts = [
      `insert into payment_attempts (id, workspace_id, case_id, livemode, source, outcome, decline_code, decline_category, provider_ref, dedupe_key, at)
        select ${id("pa", "c.case_id", "s.n::text")}, c.ws_id, c.case_id, c.livemode, s.source, s.outcome,
          case when s.outcome = 'succeeded' then null else c.code end, case when s.outcome = 'succeeded' then null else c.category end,
          'ch_' || substr(md5(c.case_id || s.n), 1, 24), 'attempt:' || c.case_id || ':' || s.n, s.at
        from ${t("case")} c
        cross join lateral (
          select s.n, s.source, case when s.source = 'reclaim_retry' and c.category = 'needs_authentication' then 'requires_action' else 'failed' end as outcome,
            c.opened_at + s.day * interval '1 day' as at
          from (values (0, 'initial', 0), (1, 'reclaim_retry', 1), (2, 'provider_retry', 4), (3, 'reclaim_retry', 6)) s(n, source, day)
          where (s.source = 'initial'
              or (s.source = 'reclaim_retry' and c.cohort = 'treatment' and (c.category = 'soft' or (c.category = 'needs_authentication' and s.day = 1)))
              or (s.source = 'provider_retry' and (c.category = 'soft' or (c.category = 'needs_authentication' and s.day = 4))))
            and c.opened_at + s.day * interval '1 day' < coalesce(c.closed_at, ${now})
          union all
          select 9, c.via, 'succeeded', c.closed_at
          where c.status = 'recovered' and c.via <> 'out_of_band'
        ) s
        order by s.at`,
    ];
    const insertEmails = [
      `insert into outbox_messages (id, workspace_id, channel, transport, idempotency_key, kind, "to", "from", reply_to, subject, html, text,
          provider_message_id, status, metadata, tracking_id, first_opened_at, open_count, first_clicked_at, click_count, created_at, sent_at, livemode)
        select e.message_id, e.ws_id, 'email', case when e.livemode then 'resend' else 'outbox' end, 'dunning:' || e.message_id, 'dunning',
          'customer' || e.k || '.' || e.pop || '@example.com', 'Billing <billing@example.com>', 'support@example.com',
          'Your payment did not go through (' || e.n || ')', '<p>Your payment did not go through.</p>', 'Your payment did not go through.',
          case when e.livemode then 're_' || substr(e.message_id, 1, 18) end, 'sent',
          jsonb_build_object('threadId', e.thread_id, 'stepDay', e.day::text, 'tone', e.tone, 'step', e.n || '/6', 'declineCategory', e.category),
          md5('track' || e.message_id), o.opened_at, case when o.opened_at is null then 0 else 1 end,
          o.clicked_at, case when o.clicked_at is null then 0 else 1 end, e.sent_at, e.sent_at, e.livemode
        from (${emails}) e
        cross join lateral (
          select case when r1 < 0.45 and e.sent_at + r2 * interval '2 days' <= ${now} then e.sent_at + r2 * interval '2 days' end as opened_at,
            case when r1 < 0.12 and e.sent_at + r2 * interval '2 days' + interval '3 minutes' <= ${now} then e.sent_at + r2 * interval '2 days' + interval '3 minutes' end as clicked_at
          from (select random() + 0 * e.n as r1, random() + 0 * e.n as r2) r
        ) o
        order by e.sent_at`,
      `insert into timeline_events (id, workspace_id, thread_id, case_id, at, actor, kind, summary, outcome, data, dedupe_key)
        select ${id("tl", "e.message_id")}, e.ws_id, e.thread_id,
          case when e.size = 1 then ${id("ca", "e.pop::text", "e.first_case::text")} end, e.sent_at, 'reclaim', 'email_sent',
          'Email ' || e.n || ' of 6 (day ' || e.day || ', ' || e.tone || ') sent.', 'sent',
          jsonb_build_object('messageId', e.message_id, 'day', e.day, 'tone', e.tone), 'email:' || e.message_id
        from (${emails}) e
        order by e.sent_at`,
    ];
    if (options.bulk) {
      await lanes([
        ["customers, subscriptions, threads, invoices, cases, attempts", [...insertCustomers, ...insertCases, ...insertAttempts]],
        ["emails (outbox)", insertEmails.slice(0, 1)],
        ["their timeline entries", insertEmails.slice(1)],
      ]);
    } else {
      await run("customers, subscriptions", insertCustomers);
      await run("threads, invoices, cases", insertCases);
      await run("payment attempts", insertAttempts);
      await run("emails (outbox) and their timeline entries", insertEmails);
    }

    if (options.bulk) {
      // Whole tables per lane (adding a primary key locks its table), balanced by rows × indexes.
      const tableOf = (statement: string) => (/^alter table (?:public\.)?(\w+)/i.exec(statement) ?? / ON (?:public\.)?(\w+) /.exec(statement))?.[1];
      const laneOf = (statement: string) =>
        ["timeline_events", "customers", "subscriptions", "dunning_threads", "invoices"].includes(tableOf(statement) ?? "") ? 0 : 1;
      const rebuild = [...ddl.unique, ...ddl.indexes];
      await lanes(
        [0, 1].map((lane): [string, string[]] => [
          lane === 0 ? "indexes of timeline events, customers, subscriptions, threads, invoices" : "indexes of outbox, attempts, cases",
          ["set local maintenance_work_mem = '256MB'", ...rebuild.filter((st) => laneOf(st) === lane)],
        ]),
        `rebuilt ${ddl.indexes.length} indexes and ${ddl.unique.length} primary/unique constraints`,
      );
      await run(`re-added ${ddl.foreign.length} foreign keys (each validates every row)`, ddl.foreign);
      ddl.foreign = [];
      ddl.unique = [];
      ddl.indexes = [];
    }
  } finally {
    for (const name of ["pop", "cust", "thread", "case"]) await db.execute(sql.raw(`drop table if exists ${t(name)}`));
  }

  // Vacuum as well in bulk mode: sets the visibility map (index-only scans) and hint bits, as autovacuum would have on a real table.
  // The per-day report totals are filled by the tables' triggers during the load (report-days.ts).
  const analyzed = [...LOADED, "workspaces", "sequences", "sequence_versions", ...REPORT_DAY_TABLES].join(", ");
  await run(options.bulk ? "vacuum analyze" : "analyze", [options.bulk ? `vacuum analyze ${analyzed}` : `analyze ${analyzed}`]);

  const counts = await one<{ name: string; n: number }>(
    LOADED.map((table) => `select ${literal(table)} as name, count(*)::int as n from ${table}`).join(" union all "),
  );
  const rows = Object.fromEntries(counts.map((c) => [c.name, Number(c.n)]));
  const workspaceId = workspaceIdOf.get("main");
  if (!workspaceId) throw new Error("no workspace id");
  return { workspaceId, workspaceIds: workspaceKeys.map((k) => workspaceIdOf.get(k)!), rows, steps, ms: performance.now() - started };
}
