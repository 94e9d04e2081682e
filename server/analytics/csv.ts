/**
 * CSV for finance exports, built with csv-stringify's sync API.
 *
 * - RFC 4180: comma-separated, fields quoted when they need it, CRLF between
 *   records. Files start with a UTF-8 byte-order mark so spreadsheet programs
 *   read accented customer names correctly (parse with `bom: true`).
 * - Formula injection (OWASP "CSV injection"): a cell that starts with
 *   = + - @, a tab or a carriage return can run as a formula when the file is
 *   opened in a spreadsheet. Every *string* cell that does gets a leading
 *   apostrophe, which spreadsheets show as text. Figures are never passed as
 *   strings: numbers, bigints, money and dates are formatted here, so a
 *   negative amount ("-12.50") stays a number while a customer called
 *   "=HYPERLINK(…)" is neutralised.
 * - Money is a decimal string in major units ("49.90", "1200" for JPY) next to
 *   a currency column; never a float, never two currencies in one column sum.
 * - Times are ISO 8601 in UTC ("2026-03-04T15:00:00.000Z"); dates "2026-03-04".
 */
import { currencyExponent } from "@/emails/_components/money";
import { stringify } from "csv-stringify/sync";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
export const CSV_BOM = "\uFEFF";

/** An amount in integer minor units of one currency, written as a major-unit decimal string. */
export type MoneyCell = { readonly kind: "money"; readonly amount: number | bigint; readonly currency: string };
/** A calendar day (UTC) rather than a moment. */
export type DayCell = { readonly kind: "day"; readonly date: Date };

export type CsvValue = string | number | bigint | boolean | Date | MoneyCell | DayCell | null | undefined;

export type CsvColumn<Row> = { header: string; value: (row: Row) => CsvValue };

export const money = (amount: number | bigint, currency: string): MoneyCell => ({ kind: "money", amount, currency });
export const day = (date: Date): DayCell => ({ kind: "day", date });

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as a spreadsheet will show it, never as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * Digits after the decimal point of a currency's minor unit (2 for USD, 0 for
 * JPY, 3 for KWD): the same rule the console formats amounts with, so the file
 * and the page agree.
 */
export const currencyDigits = currencyExponent;

/** 4990 USD → "49.90"; -5 EUR → "-0.05"; 1200 JPY → "1200". Exact for any integer, bigint included. */
export function formatMinorUnits(amount: number | bigint, currency: string): string {
  if (typeof amount === "number" && !Number.isSafeInteger(amount)) {
    throw new Error(`Money must be a whole number of minor units (got ${amount} ${currency}).`);
  }
  const value = BigInt(amount);
  const negative = value < BigInt(0);
  const digits = (negative ? -value : value).toString();
  const scale = currencyDigits(currency);
  if (scale === 0) return `${negative ? "-" : ""}${digits}`;
  const padded = digits.padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** The inverse of `formatMinorUnits`: "49.90" USD → 4990n. Throws on anything else. */
export function parseMajorUnits(text: string, currency: string): bigint {
  const scale = currencyDigits(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[3]?.length ?? 0) > scale) throw new Error(`"${text}" is not an amount in ${currency.toUpperCase()}.`);
  const [, sign, whole, fraction = ""] = match;
  const value = BigInt(`${whole}${fraction.padEnd(scale, "0")}`);
  return sign ? -value : value;
}

/** A number as text without exponent noise for ordinary values; non-finite numbers become empty cells, never "NaN". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  if (Object.is(value, -0)) return "0";
  return String(value);
}

export function formatCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return neutraliseFormula(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (value.kind === "day") return value.date.toISOString().slice(0, 10);
  return formatMinorUnits(value.amount, value.currency);
}

/** Records (no header) for `rows`, each ended by CRLF. */
export function csvRecords<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>): string {
  const records: string[][] = [];
  for (const row of rows) records.push(columns.map((column) => formatCell(column.value(row))));
  if (records.length === 0) return "";
  return stringify(records, { record_delimiter: "\r\n" });
}

/** The header record. Headers are ours, but go through the same quoting. */
export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  return stringify([columns.map((column) => column.header)], { record_delimiter: "\r\n" });
}

/** A whole file: byte-order mark, header, records. An empty `rows` still gives the header. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>): string {
  return CSV_BOM + csvHeader(columns) + csvRecords(columns, rows);
}

/** A whole file from batches of rows (see `csvStream`), as one string: for tests and small files. */
export async function collectCsv<Row>(columns: readonly CsvColumn<Row>[], batches: AsyncIterable<Row[]>): Promise<string> {
  let text = CSV_BOM + csvHeader(columns);
  for await (const batch of batches) text += csvRecords(columns, batch);
  return text;
}

/**
 * A file streamed batch by batch, so an export of a million cases never holds
 * them all in memory. Errors after the first byte cannot change the status
 * code any more: the stream is aborted, and the download fails visibly rather
 * than leaving a silently truncated file.
 */
export function csvStream<Row>(columns: readonly CsvColumn<Row>[], batches: AsyncIterable<Row[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(CSV_BOM + csvHeader(columns)));
        return;
      }
      // A pull that enqueues nothing is not called again: skip empty batches here.
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        const text = csvRecords(columns, next.value);
        if (text) {
          controller.enqueue(encoder.encode(text));
          return;
        }
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** A file name safe in a Content-Disposition header: letters, digits, dot, dash and underscore only. */
export function safeFileName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 180);
}

/** `attachment; filename="…"` for a name made safe with `safeFileName`. */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${safeFileName(fileName)}"`;
}
