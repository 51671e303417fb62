import { describe, expect, it } from "vitest";
import { AsyncQueue } from "../../src/util/asyncQueue.js";
import { redactSecrets } from "../../src/util/redact.js";
import { RingBuffer } from "../../src/util/ringBuffer.js";
import { parseToml as parse, tomlKey, tomlString, tomlValue } from "../../src/util/toml.js";

describe("redactSecrets", () => {
  it.each([
    ["OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234", "OPENAI_API_KEY=[REDACTED]"],
    ["using key sk-abcdefghijklmnopqrstuvwx now", "using key [REDACTED] now"],
    ["Authorization: Bearer abc.def-ghi_jklmnop", "Authorization: Bearer [REDACTED]"],
    ["header bearer 0123456789abcdef", "header bearer [REDACTED]"],
    ['{"access_token": "tok_0123456789"}', '{"access_token": "[REDACTED]"}'],
    ["password=hunter22", "password=[REDACTED]"],
  ])("redacts %s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it("leaves ordinary log lines alone", () => {
    const line = "WARN codex_models_manager: Unknown model mock-model is used.";
    expect(redactSecrets(line)).toBe(line);
  });
});

describe("RingBuffer", () => {
  it("keeps the most recent items in order", () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.toArray(2)).toEqual([4, 5]);
    expect(ring.size).toBe(3);
  });
});

describe("TOML encoding", () => {
  const nasty = [
    'a"b',
    "back\\slash",
    "new\nline",
    "tab\there",
    "bell\u0007",
    "del\u007f",
    "ünïcødé ✓",
    "]#[x]",
  ];

  it.each(nasty)("round-trips the string %j through a TOML parser", (value) => {
    const doc = `${tomlKey(value)} = ${tomlString(value)}\n`;
    expect(parse(doc)).toEqual({ [value]: value });
  });

  it("encodes arrays and inline tables", () => {
    const value = { args: ["-y", "srv"], env: { "MY-VAR": "1", "needs quoting": 'x"y' }, on: true, n: 3 };
    expect(parse(`v = ${tomlValue(value)}\n`)).toEqual({ v: value });
  });

  it("refuses values TOML cannot hold", () => {
    expect(() => tomlValue(Number.NaN)).toThrow(/cannot write NaN/);
  });
});

describe("AsyncQueue", () => {
  it("delivers queued items, then ends; an error ends it after the items", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    q.end(new Error("stop"));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const n of q) got.push(n);
      })(),
    ).rejects.toThrow("stop");
    expect(got).toEqual([1, 2]);
  });

  it("runs the release callback once when the consumer leaves early", async () => {
    let released = 0;
    const q = new AsyncQueue<number>(() => released++);
    q.push(1);
    q.push(2);
    for await (const n of q) {
      expect(n).toBe(1);
      break;
    }
    q.end();
    expect(released).toBe(1);
    expect(q.ended).toBe(true);
  });

  it("serves next() calls made before any item arrives, in order, none lost", async () => {
    const q = new AsyncQueue<number>();
    const first = q.next();
    const second = q.next();
    const third = q.next();
    q.push(1);
    q.push(2);
    q.end();
    expect(await first).toEqual({ value: 1, done: false });
    expect(await second).toEqual({ value: 2, done: false });
    expect(await third).toEqual({ value: undefined, done: true });
  });
});
