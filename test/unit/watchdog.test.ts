import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TurnWatchdog, type WatchdogExpiry } from "../../src/codex/watchdog.js";

describe("TurnWatchdog (fake clock)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function watch(
    options: { turnTimeoutMs?: number; quietTimeoutMs?: number },
    paused: () => boolean = () => false,
  ) {
    const fired: Array<[WatchdogExpiry, number]> = [];
    const dog = new TurnWatchdog(options, paused, (kind, ms) => fired.push([kind, ms]));
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

  it("does not count paused time (a person deciding an approval)", () => {
    let paused = false;
    const { fired } = watch({ turnTimeoutMs: 1000, quietTimeoutMs: 0 }, () => paused);
    vi.advanceTimersByTime(500);
    paused = true;
    vi.advanceTimersByTime(10_000);
    paused = false;
    vi.advanceTimersByTime(400);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual([["deadline", 1000]]);
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
    expect(
      () =>
        new TurnWatchdog(
          { turnTimeoutMs: -1 },
          () => false,
          () => {},
        ),
    ).toThrow("watchdog.turnTimeoutMs must be a number of ms >= 0, got -1");
  });
});
