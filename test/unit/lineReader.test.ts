import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { BridgeError } from "../../src/errors.js";
import { readJsonLines } from "../../src/jsonrpc/lineReader.js";

function collect(maxLineBytes?: number) {
  const input = new PassThrough();
  const values: unknown[] = [];
  const errors: BridgeError[] = [];
  let ended = 0;
  readJsonLines(
    input,
    { onValue: (v) => values.push(v), onError: (e) => errors.push(e), onEnd: () => ended++ },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  );
  return { input, values, errors, ended: () => ended };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("readJsonLines", () => {
  it("parses one message per line across chunk boundaries and strips \\r", async () => {
    const r = collect();
    r.input.write('{"a":1}\r\n{"b":');
    r.input.write('2}\n\n  \n{"c":"x\\ny"}');
    r.input.end();
    await flush();
    expect(r.values).toEqual([{ a: 1 }, { b: 2 }, { c: "x\ny" }]);
    expect(r.errors).toEqual([]);
    expect(r.ended()).toBe(1);
  });

  it("reports a line that is not JSON and keeps reading", async () => {
    const r = collect();
    r.input.end('{"ok":1}\nthis is not json\n{"ok":2}\n');
    await flush();
    expect(r.values).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.code).toBe("PROTOCOL_ERROR");
    expect(r.errors[0]?.message).toContain("not JSON");
    expect(r.errors[0]?.message).toContain("this is not json");
  });

  it("discards an overlong line without buffering it and resumes after the newline", async () => {
    const r = collect(32);
    r.input.write('{"small":1}\n');
    // 10 chunks of 100 bytes: the reader must drop them as they stream past.
    for (let i = 0; i < 10; i++) r.input.write("x".repeat(100));
    r.input.write('\n{"after":true}\n');
    r.input.end();
    await flush();
    expect(r.values).toEqual([{ small: 1 }, { after: true }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).toMatch(/discarded a line of 1000 bytes/);
    expect(r.errors[0]?.details).toMatchObject({ bytes: 1000, maxLineBytes: 32 });
  });

  it("accepts a line of exactly the maximum size", async () => {
    const line = JSON.stringify({ v: "y".repeat(20) });
    const r = collect(line.length);
    r.input.end(`${line}\n`);
    await flush();
    expect(r.values).toHaveLength(1);
    expect(r.errors).toEqual([]);
  });

  it("keeps reading when a value handler throws", async () => {
    const input = new PassThrough();
    const errors: Error[] = [];
    const seen: unknown[] = [];
    readJsonLines(input, {
      onValue: (v) => {
        seen.push(v);
        if ((v as { boom?: boolean }).boom) throw new Error("handler broke");
      },
      onError: (e) => errors.push(e),
      onEnd: () => {},
    });
    input.end('{"boom":true}\n{"boom":false}\n');
    await flush();
    expect(seen).toHaveLength(2);
    expect(errors[0]?.message).toContain("handler threw");
  });

  it("rejects an invalid maxLineBytes by name", () => {
    expect(() => collect(0)).toThrow(/maxLineBytes must be a positive integer, got 0/);
  });
});
