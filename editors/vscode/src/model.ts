/** The JSON the server's commands return (see azml_lsp/runtime/model.py). */

export interface OutputTable {
  port: number;
  path: string;
  rows: number;
  columns: string[];
  dtypes: string[];
  head: unknown[][];
}

export interface RunError {
  code: number;
  message: string;
  exception?: string | null;
  line?: number | null;
  detail?: string;
  kind?: string;
  traceback?: string;
}

export interface RunResult {
  ok: boolean;
  dialect?: string;
  outputs: OutputTable[];
  images: string[];
  stdout: string;
  stderr: string;
  duration_s?: number;
  warnings?: string[];
  error: RunError | null;
  /** Where the script ran: `local: Python 3.11.7, pandas 2.2.3` or a cloud twin's summary. */
  environment?: string;
}

export interface DebugAddress {
  host: string;
  port: number;
}

/** The one argument of `azml.run`, `azml.debug` and `azml.check`. */
export interface CommandArgument {
  uri: string;
  dataset1?: string;
  dataset2?: string;
  bundle?: string;
  dialect?: string;
  /** A cloud twin's name or `local`; wins over the script's settings. */
  env?: string;
}

export const INPUT_KEYS = ['dataset1', 'dataset2', 'bundle'] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

export const RUN_COMMAND = 'azml.run';
export const DEBUG_COMMAND = 'azml.debug';
export const CHECK_COMMAND = 'azml.check';
export const MIGRATE_VERIFY_COMMAND = 'azml.migrateVerify';

/** What `azml.migrateVerify` answers: the verdict and the verification's HTML report. */
export interface VerifyResult {
  equal: boolean;
  verdict: string;
  from: string;
  to: string;
  /** `FILE:LINE: CODE ...` for each rewrite made or place listed. */
  findings: string[];
  report: string;
  summary: string;
}
