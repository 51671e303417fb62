/** The built-in tools of the bridge's tool server. */
import type { BrandedTool } from "../defineTool.js";
import { kanbanCreate, kanbanLink, kanbanList, kanbanShow, kanbanUnblock } from "./kanbanBoard.js";
import { kanbanBlock, kanbanComment, kanbanComplete, kanbanHeartbeat } from "./kanbanWorker.js";
import { memoryRead } from "./memoryRead.js";
import { memorySearch } from "./memorySearch.js";
import { memoryWrite } from "./memoryWrite.js";
import { sessionRead } from "./sessionRead.js";
import { sessionSearch } from "./sessionSearch.js";

export function builtinTools(): BrandedTool[] {
  return [
    sessionSearch,
    sessionRead,
    memoryWrite,
    memoryRead,
    memorySearch,
    kanbanComplete,
    kanbanBlock,
    kanbanComment,
    kanbanHeartbeat,
    kanbanShow,
    kanbanList,
    kanbanCreate,
    kanbanUnblock,
    kanbanLink,
  ];
}
