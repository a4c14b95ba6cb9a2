import { createContext } from '@lit/context';
import { createEngineClient, type EngineClient } from '@wengert/worker';
import { CellGraph } from './cell-graph.js';
import { importModule } from './import-module.js';

/** What cells need from where they live: the graph they define names in, and the engine client. */
export interface NotebookHost {
  readonly graph: CellGraph;
  /** The shared engine client, created on first use. */
  readonly client: EngineClient;
  /** Safe preview: cells show their source but run nothing until the notebook runs. */
  readonly paused?: boolean;
}

/** Provided by `<wg-notebook>` to its cells. */
export const notebookContext = createContext<NotebookHost>(Symbol.for('wengert.notebook-host'));

/** A graph with the builtins JavaScript cells can read: `client` (the engine client) and `importModule`. */
export function createNotebookHost(
  makeClient: () => EngineClient = () => createEngineClient(),
): NotebookHost & { releaseClient(): void; dispose(): void } {
  let client: EngineClient | undefined;
  const host: NotebookHost & { releaseClient(): void; dispose(): void } = {
    graph: new CellGraph({ client: () => host.client, importModule: () => importModule }),
    get client(): EngineClient {
      client ??= makeClient();
      return client;
    },
    releaseClient() {
      client?.dispose();
      client = undefined;
    },
    dispose() {
      host.releaseClient();
      host.graph.dispose();
    },
  };
  return host;
}

let pageHost: NotebookHost | undefined;

/** The page-wide host of cells used outside any `<wg-notebook>`: one graph, one engine client per page. */
export function getPageHost(): NotebookHost {
  pageHost ??= createNotebookHost();
  return pageHost;
}
