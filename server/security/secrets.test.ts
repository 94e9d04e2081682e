import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSecretKey, open, seal, SecretError, secretKeyFrom } from "./secrets";

const key = secretKeyFrom(Buffer.alloc(32, 3).toString("base64"));
const other = secretKeyFrom(Buffer.alloc(32, 4).toString("base64"));

describe("sealed secrets", () => {
  it("open what was sealed for the same place, and never show the plaintext", () => {
    const sealed = seal(key, "rk_live_abc123", "billing_connections:c1:secret");
    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("rk_live_abc123");
    expect(open(key, sealed, "billing_connections:c1:secret")).toBe("rk_live_abc123");
    // A fresh nonce each time: the same secret never seals to the same text.
    expect(seal(key, "rk_live_abc123", "billing_connections:c1:secret")).not.toBe(sealed);
  });

  it("refuse a value moved to another place, altered, or sealed with another key", () => {
    const sealed = seal(key, "whsec_123", "billing_connections:c1:webhook_secret");
    expect(() => open(key, sealed, "billing_connections:c2:webhook_secret")).toThrow(SecretError);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => open(key, parts.join("."), "billing_connections:c1:webhook_secret")).toThrow(/altered/);
    expect(() => open(other, sealed, "billing_connections:c1:webhook_secret")).toThrow(/another RECLAIM_ENCRYPTION_KEY/);
    expect(() => open(key, "plain-text", "x")).toThrow(/not in a format/);
  });

  it("take a 32-byte key only", () => {
    expect(() => secretKeyFrom(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
  });

  it("keep a generated key in the data folder outside production, and require one in production", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-key-"));
    const first = loadSecretKey({ NODE_ENV: "development", RECLAIM_DATA_DIR: dir });
    expect(fs.statSync(path.join(dir, "encryption-key")).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ NODE_ENV: "development", RECLAIM_DATA_DIR: dir }).id).toBe(first.id);
    expect(() => loadSecretKey({ NODE_ENV: "production", RECLAIM_DATA_DIR: dir })).toThrow(/RECLAIM_ENCRYPTION_KEY is required in production/);
    expect(loadSecretKey({ NODE_ENV: "production", RECLAIM_DATA_DIR: dir, RECLAIM_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64") }).id).toBe(key.id);
  });
});
