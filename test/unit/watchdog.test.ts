import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TurnWatchdog, type WatchdogExpiry } from "../../src/codex/watchdog.js";

describe("TurnWatchdog (fake clock)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function watch(options: { turnTimeoutMs?: number; quietTimeoutMs?: number }) {
    const fired: Array<[WatchdogExpiry, number]> = [];
    const dog = new TurnWatchdog(options, (kind, ms) => fired.push([kind, ms]));
    dog.start();
    return { dog, fired };
  }

  it("fires the deadline once the turn has run that long", () => {
    const { fired } = watch({ turnTimeoutMs: 1000, quietTimeoutMs: 0 });
    vi.advanceTimersByTime(900);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual([["deadline", 1000]]);
    vi.advanceTimersByTime(5000);
    expect(fired).toHaveLength(1);
  });

  it("fires the deadline while codex keeps streaming (activity does not hold it off)", () => {
    const { dog, fired } = watch({ turnTimeoutMs: 1000, quietTimeoutMs: 0 });
    // An event every 50 ms for 1.2 s: the deadline is wall time, not time since the last event.
    for (let t = 0; t < 1200; t += 50) {
      vi.advanceTimersByTime(50);
      dog.activity(false);
    }
    expect(fired).toEqual([["deadline", 1000]]);
  });

  it("does not count time spent waiting on an approval", () => {
    const { dog, fired } = watch({ turnTimeoutMs: 1000, quietTimeoutMs: 0 });
    vi.advanceTimersByTime(500);
    dog.setPaused(true);
    vi.advanceTimersByTime(10_000);
    dog.setPaused(false);
    vi.advanceTimersByTime(400);
    expect(fired).toEqual([]);
    expect(dog.activeMs).toBe(900);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual([["deadline", 1000]]);
  });

  it("counts an approval wait exactly, even when it starts and ends between ticks", () => {
    const { dog, fired } = watch({ turnTimeoutMs: 10_000, quietTimeoutMs: 0 });
    vi.advanceTimersByTime(1234);
    dog.setPaused(true);
    vi.advanceTimersByTime(777);
    dog.setPaused(false);
    vi.advanceTimersByTime(1);
    expect(dog.activeMs).toBe(1235);
    expect(fired).toEqual([]);
  });

  it("arms the quiet timer only after a tool finished, and any activity disarms it", () => {
    const { dog, fired } = watch({ turnTimeoutMs: 0, quietTimeoutMs: 300 });
    vi.advanceTimersByTime(1000); // no tool yet: silence is not a stall
    expect(fired).toEqual([]);
    dog.activity(true);
    vi.advanceTimersByTime(200);
    dog.activity(false); // the model answered
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    dog.activity(true);
    vi.advanceTimersByTime(350);
    expect(fired).toEqual([["stalled", 300]]);
  });

  it("rejects bad limits by name", () => {
    expect(() => new TurnWatchdog({ turnTimeoutMs: -1 }, () => {})).toThrow(
      "watchdog.turnTimeoutMs must be a number of ms >= 0, got -1",
    );
    expect(() => new TurnWatchdog({ startTimeoutMs: Number.NaN }, () => {})).toThrow(
      "watchdog.startTimeoutMs must be a number of ms >= 0, got NaN",
    );
  });
});
