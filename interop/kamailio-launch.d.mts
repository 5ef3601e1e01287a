/** The Debian module directory that holds websocket.so (multiarch), or undefined. */
export function kamailioModuleDir(): string | undefined;

/** Command-line arguments of a foreground, stderr-logging Kamailio (see kamailio-launch.mjs). */
export function kamailioArgs(options: {
  config: string;
  runDir: string;
  sipPort: number;
  wsPort: number;
  ctlSocket: string;
  fifo?: string;
  shmMb?: number;
}): string[];

/** Sends SIGTERM to `pid` when this process dies, even by SIGKILL; returns a dismiss function. */
export function killWhenParentDies(pid: number): () => void;
