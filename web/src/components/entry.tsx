/**
 * One transcript entry. Everything from codex is rendered as text by JSX
 * (escaped), except assistant and reasoning Markdown, which goes through
 * `renderMarkdown` (raw HTML off, links limited to http/https/mailto).
 */
import { memo } from "preact/compat";
import type { TokenUsage } from "../../../src/codex/events.js";
import { renderMarkdown } from "../markdown.js";
import { changesOf, type Entry, type ItemEntry, userText } from "../model/transcript.js";

export const EntryView = memo(function EntryView({ entry }: { entry: Entry }) {
  switch (entry.kind) {
    case "turnEnd":
      return (
        <li class={`entry turn-end status-${entry.status}`} data-kind="turn-end">
          Turn {entry.status}
          {entry.error ? `: ${entry.error.message}` : ""}
          {entry.usage ? <UsageLine usage={entry.usage} /> : null}
        </li>
      );
    case "notice":
      return (
        <li class={`entry notice notice-${entry.level}`} data-kind="notice">
          {entry.text}
        </li>
      );
    case "item":
      return <ItemView entry={entry} />;
  }
});

export function UsageLine({ usage }: { usage: TokenUsage }) {
  return (
    <span class="usage" title="Tokens used by this turn">
      {" "}
      · tokens: {usage.inputTokens} in ({usage.cachedInputTokens} cached), {usage.outputTokens} out,{" "}
      {usage.totalTokens} total
    </span>
  );
}

function Markdown({ text }: { text: string }) {
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function json(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return "[unprintable]";
  }
}

function ItemView({ entry }: { entry: ItemEntry }) {
  const { item } = entry;
  const busy = entry.completed ? undefined : "true";
  switch (item.type) {
    case "userMessage":
      return (
        <li class="entry msg user" data-kind="user">
          <div class="who">You</div>
          <p class="plain">{userText(item)}</p>
        </li>
      );
    case "agentMessage":
      return (
        <li class="entry msg assistant" data-kind="assistant" aria-busy={busy}>
          <div class="who">codex</div>
          <Markdown text={entry.text} />
        </li>
      );
    case "reasoning":
      return (
        <li class="entry reasoning" data-kind="reasoning">
          <details>
            <summary>Reasoning</summary>
            <Markdown text={entry.text} />
          </details>
        </li>
      );
    case "commandExecution": {
      const output = entry.output !== "" ? entry.output : str(item.aggregatedOutput);
      const status = str(item.status) || (entry.completed ? "completed" : "inProgress");
      const exit = typeof item.exitCode === "number" ? item.exitCode : null;
      return (
        <li class={`entry tool command status-${status}`} data-kind="command" aria-busy={busy}>
          <div class="tool-head">
            <span class="tag">command</span> <code class="cmdline">{str(item.command)}</code>
            {item.cwd ? <span class="dim"> in {str(item.cwd)}</span> : null}
            <span class="state">
              {status}
              {exit !== null ? <span class="exit"> · exit {exit}</span> : null}
            </span>
          </div>
          {output !== "" ? <pre class="output">{output}</pre> : null}
        </li>
      );
    }
    case "fileChange":
      return (
        <li class="entry tool file-change" data-kind="file-change">
          <div class="tool-head">
            <span class="tag">file change</span>
            <span class="state">{str(item.status)}</span>
          </div>
          {changesOf(item).map((c) => (
            <div class="change" key={c.path}>
              <div>
                <span class="dim">{c.kind}</span> <code>{c.path}</code>
              </div>
              <Diff text={c.diff} />
            </div>
          ))}
        </li>
      );
    case "mcpToolCall":
    case "dynamicToolCall": {
      const name =
        item.type === "mcpToolCall"
          ? `${str(item.server)}.${str(item.tool)}`
          : `${str(item.namespace) ? `${str(item.namespace)}.` : ""}${str(item.tool)}`;
      const result = item.type === "mcpToolCall" ? (item.error ?? item.result) : item.contentItems;
      return (
        <li class="entry tool mcp" data-kind="tool-call" aria-busy={busy}>
          <div class="tool-head">
            <span class="tag">tool</span> <code>{name}</code>
            <span class="state">{str(item.status)}</span>
          </div>
          <div class="kv">
            <div class="dim">arguments</div>
            <pre>{json(item.arguments)}</pre>
            {result !== undefined && result !== null ? (
              <>
                <div class="dim">{item.type === "mcpToolCall" && item.error ? "error" : "result"}</div>
                <pre>{json(result)}</pre>
              </>
            ) : null}
          </div>
        </li>
      );
    }
    case "plan":
      return (
        <li class="entry note" data-kind="plan">
          <div class="tag">plan</div>
          <Markdown text={str(item.text)} />
        </li>
      );
    default:
      return (
        <li class="entry note dim" data-kind="other">
          {item.type}
          {typeof item.query === "string" ? `: ${item.query}` : ""}
          {typeof item.path === "string" ? `: ${item.path}` : ""}
        </li>
      );
  }
}

function Diff({ text }: { text: string }) {
  if (text === "") return null;
  return (
    <pre class="diff">
      {text.split("\n").map((line, i) => (
        <span
          key={i}
          class={
            line.startsWith("+") && !line.startsWith("+++")
              ? "add"
              : line.startsWith("-") && !line.startsWith("---")
                ? "del"
                : line.startsWith("@@")
                  ? "hunk"
                  : undefined
          }
        >
          {line}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}
