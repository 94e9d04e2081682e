// The webhook bench's senders, in a worker thread of their own so that signing and sending do not
// share the measured server's event loop. Plain JavaScript: worker threads load it without tsx.
// Signs each event as Stripe does (Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">).
import crypto from "node:crypto";
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, secret, template, prefix, senders, ratePerSecond, durationMs, total, duplicateEvery } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: senders });

function signed(index) {
  const body = template.replace("__EVENT_ID__", `evt_${prefix}${index}`);
  const t = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { body, signature: `t=${t},v1=${v1}` };
}

function send({ body, signature }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: "POST", agent, headers: { "content-type": "application/json", "stripe-signature": signature, "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

const latencies = [];
const statuses = {};
let next = 0;
let duplicates = 0;
const started = performance.now();
const deadline = durationMs ? started + durationMs : Infinity;
const interval = ratePerSecond ? 1000 / ratePerSecond : 0;

async function sender() {
  for (;;) {
    const index = next++;
    if ((total && index >= total) || performance.now() >= deadline) return;
    if (interval) {
      // Paced: event n leaves at started + n × interval, whichever sender is free.
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const delivery = signed(index);
    const result = await send(delivery);
    latencies.push(result.ms);
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    if (duplicateEvery && index % duplicateEvery === 0) {
      // Stripe delivers at least once: some events come again, which must be acknowledged and not stored twice.
      const again = await send(signed(index));
      statuses[`duplicate:${again.status}`] = (statuses[`duplicate:${again.status}`] ?? 0) + 1;
      duplicates++;
    }
  }
}

await Promise.all(Array.from({ length: senders }, () => sender()));
const elapsedMs = performance.now() - started;
agent.destroy();
parentPort.postMessage({ latencies, statuses, sent: latencies.length, duplicates, elapsedMs });
