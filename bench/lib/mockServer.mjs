// The scripted model in its own process, so its CPU is not counted as the
// client's. argv[2]: "ok" (a short answer) or "big" (a 2 MB answer as 20000
// deltas). Prints its URL on stdout, serves until stdin closes.
import { reply, startMockResponses } from "../../dist/testing/index.js";

const mode = process.argv[2] ?? "ok";
const big = "x".repeat(99) + "\n";
const bigText = big.repeat(20_000); // 2,000,000 characters
const bigReply = reply.text(bigText, { deltas: 20_000 });
const mock = await startMockResponses(() => (mode === "big" ? bigReply : reply.text("ok, noted.")));
process.stdout.write(`${mock.url}\n`);
process.stdin.resume();
process.stdin.on("end", () => void mock.close().then(() => process.exit(0)));
