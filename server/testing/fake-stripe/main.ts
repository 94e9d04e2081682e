/**
 * Runs the fake Stripe as its own process, for the end-to-end tests (playwright.config.ts starts it
 * beside the app, whose STRIPE_API_URL points here). Usage: tsx server/testing/fake-stripe/main.ts --port 12111
 */
import { FakeStripe } from "./server";

const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 12111;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("--port must be a port number");
  process.exit(2);
}
const fake = await new FakeStripe({ livemode: true, account: { id: "acct_e2e", name: "Fenwick Stripe Co" } }).start(port);
console.log(`fake Stripe listening on ${fake.url}`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
