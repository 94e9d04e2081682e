import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  attachmentDisposition,
  collectCsv,
  CSV_BOM,
  csvStream,
  day,
  formatCell,
  formatMinorUnits,
  money,
  neutraliseFormula,
  parseMajorUnits,
  toCsv,
  type CsvColumn,
} from "./csv";

type Row = { name: string; amount: number; currency: string; delta: number; at: Date | null };
const columns: CsvColumn<Row>[] = [
  { header: "name", value: (r) => r.name },
  { header: "amount", value: (r) => money(r.amount, r.currency) },
  { header: "currency", value: (r) => r.currency },
  { header: "delta", value: (r) => r.delta },
  { header: "at", value: (r) => r.at },
];

const parseCsv = (text: string) => parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];

describe("formula injection", () => {
  it.each(["=1+1", "+33 6 12", "-2+3", "@SUM(A1)", "\tTab", "\rCR", '=HYPERLINK("http://evil","x")'])(
    "prefixes %j with an apostrophe",
    (text) => {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    },
  );

  it("leaves ordinary text alone, including a formula character later in the text", () => {
    for (const text of ["Ada Lovelace", "a=b", "ACME-42", "", "'already quoted"]) expect(neutraliseFormula(text)).toBe(text);
  });

  it("never touches figures: a negative amount or number stays a number", () => {
    expect(formatCell(money(-1250, "EUR"))).toBe("-12.50");
    expect(formatCell(-0.125)).toBe("-0.125");
    expect(formatCell(BigInt(-7))).toBe("-7");
  });

  it("a hostile customer name survives the round trip as text", () => {
    const csv = toCsv(columns, [{ name: '=cmd|"/c calc"!A1', amount: 4990, currency: "USD", delta: -1, at: null }]);
    const [row] = parseCsv(csv);
    expect(row!.name).toBe('\'=cmd|"/c calc"!A1');
    expect(row!.delta).toBe("-1");
  });
});

describe("money", () => {
  it.each([
    [4990, "USD", "49.90"],
    [5, "EUR", "0.05"],
    [-5, "EUR", "-0.05"],
    [0, "GBP", "0.00"],
    [1200, "JPY", "1200"],
    [-1200, "JPY", "-1200"],
    [12345, "KWD", "12.345"],
    [199, "usd", "1.99"],
  ] as const)("%d %s is %s", (amount, currency, text) => {
    expect(formatMinorUnits(amount, currency)).toBe(text);
    expect(parseMajorUnits(text, currency)).toBe(BigInt(amount));
  });

  it("is exact beyond 2^53 with bigints", () => {
    const big = BigInt("123456789012345678901");
    expect(formatMinorUnits(big, "USD")).toBe("1234567890123456789.01");
    expect(parseMajorUnits("1234567890123456789.01", "USD")).toBe(big);
  });

  it("refuses fractions of a minor unit and malformed amounts", () => {
    expect(() => formatMinorUnits(1.5, "USD")).toThrow(/whole number/);
    expect(() => parseMajorUnits("1.234", "USD")).toThrow();
    expect(() => parseMajorUnits("1.5", "JPY")).toThrow();
    expect(() => parseMajorUnits("12,00", "EUR")).toThrow();
  });
});

describe("files", () => {
  const rows: Row[] = [
    { name: 'Zoë, "the" customer\nsecond line', amount: 123456, currency: "EUR", delta: 0.5, at: new Date("2026-03-04T15:00:00Z") },
    { name: "Tanaka", amount: 5000, currency: "JPY", delta: Number.NaN, at: null },
  ];

  it("starts with a BOM and a header, quotes what needs quoting, ends records with CRLF", () => {
    const csv = toCsv(columns, rows);
    expect(csv.startsWith(`${CSV_BOM}name,amount,currency,delta,at\r\n`)).toBe(true);
    expect(csv).toContain('"Zoë, ""the"" customer\nsecond line",1234.56,EUR,0.5,2026-03-04T15:00:00.000Z\r\n');
    expect(parseCsv(csv)).toEqual([
      { name: 'Zoë, "the" customer\nsecond line', amount: "1234.56", currency: "EUR", delta: "0.5", at: "2026-03-04T15:00:00.000Z" },
      // NaN is never written: an empty cell instead.
      { name: "Tanaka", amount: "5000", currency: "JPY", delta: "", at: "" },
    ]);
  });

  it("writes the header of an empty file", () => {
    expect(toCsv(columns, [])).toBe(`${CSV_BOM}name,amount,currency,delta,at\r\n`);
  });

  it("writes days as dates and booleans as words", () => {
    expect(formatCell(day(new Date("2026-01-31T23:59:59Z")))).toBe("2026-01-31");
    expect(formatCell(true)).toBe("true");
    expect(formatCell(null)).toBe("");
  });

  async function* batches() {
    yield rows.slice(0, 1);
    yield [];
    yield rows.slice(1);
  }

  it("streams the same file as it builds at once", async () => {
    // Response.text() would drop the byte-order mark: decode the bytes as they are.
    const bytes = await new Response(csvStream(columns, batches())).arrayBuffer();
    const streamed = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(streamed).toBe(toCsv(columns, rows));
    expect(await collectCsv(columns, batches())).toBe(toCsv(columns, rows));
  });

  it("makes file names safe for Content-Disposition", () => {
    expect(attachmentDisposition('acme "cloud"/lift 2026-01-01.csv')).toBe('attachment; filename="acme-cloud-lift-2026-01-01.csv"');
  });
});
