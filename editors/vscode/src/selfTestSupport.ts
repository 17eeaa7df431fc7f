/** What the self-test scenarios share: their findings, the hooks into the extension, waiting. */

export type Findings = Record<string, unknown> & { log: string[] };

/** What the self-test reaches inside the extension. */
export interface SelfTestHooks {
  /** Sends a raw LSP request to the server. */
  request(method: string, params: unknown): Promise<unknown>;
  /** The HTML the results panel shows now. */
  panelHtml(): string;
}

const started = Date.now();

export function note(findings: Findings, text: string): void {
  findings.log.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor<T>(
  seconds: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(100);
  }
}
