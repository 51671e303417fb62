/** The set of tools one server offers; names are unique. */
import { BridgeError } from "../errors.js";
import type { BrandedTool } from "./defineTool.js";

export class ToolRegistry {
  readonly #tools = new Map<string, BrandedTool>();

  constructor(tools: Iterable<BrandedTool> = []) {
    for (const tool of tools) this.add(tool);
  }

  /** Adds a tool; a second tool with the same name is refused. */
  add(tool: BrandedTool): this {
    if (this.#tools.has(tool.name)) {
      throw new BridgeError("INVALID_STATE", `a tool named ${tool.name} is already registered`);
    }
    this.#tools.set(tool.name, tool);
    return this;
  }

  get(name: string): BrandedTool | undefined {
    return this.#tools.get(name);
  }

  list(): BrandedTool[] {
    return [...this.#tools.values()];
  }

  get size(): number {
    return this.#tools.size;
  }
}
