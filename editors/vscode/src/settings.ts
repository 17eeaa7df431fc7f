import * as vscode from 'vscode';
import { CommandArgument, INPUT_KEYS } from './model';

/** The extension's settings for a resource, with empty strings read as "not set". */
export interface AzmlSettings {
  python: string | undefined;
  dialect: string | undefined;
  targetPython: string | undefined;
  runTimeoutS: number;
  startTimeoutS: number;
  inputs: Record<string, Partial<Record<string, string>>>;
}

function text(value: string | undefined): string | undefined {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? undefined : trimmed;
}

export function readSettings(resource?: vscode.Uri): AzmlSettings {
  const config = vscode.workspace.getConfiguration('azml', resource);
  return {
    python: text(config.get<string>('python')),
    dialect: text(config.get<string>('dialect')),
    targetPython: text(config.get<string>('targetPython')),
    runTimeoutS: config.get<number>('runTimeout', 600),
    startTimeoutS: config.get<number>('startTimeout', 30),
    inputs: config.get<Record<string, Partial<Record<string, string>>>>('inputs', {}),
  };
}

/** The settings the server reads (`initializationOptions`, `didChangeConfiguration`). */
export function serverSettings(settings: AzmlSettings, python: string): Record<string, unknown> {
  const values: Record<string, unknown> = { python, timeout: settings.runTimeoutS };
  if (settings.dialect) values.dialect = settings.dialect;
  if (settings.targetPython) values.targetPython = settings.targetPython;
  return { azml: values };
}

/** The command argument for a script: its URI, the dialect, and inputs from `azml.inputs`. */
export function commandArgument(script: vscode.Uri): CommandArgument {
  const settings = readSettings(script);
  const argument: CommandArgument = { uri: script.toString() };
  if (settings.dialect) argument.dialect = settings.dialect;
  const folder = vscode.workspace.getWorkspaceFolder(script);
  const key = folder ? vscode.workspace.asRelativePath(script, false) : script.fsPath;
  const inputs = settings.inputs[key] ?? {};
  for (const name of INPUT_KEYS) {
    const value = inputs[name];
    if (value) {
      argument[name] = folder ? vscode.Uri.joinPath(folder.uri, value).fsPath : value;
    }
  }
  return argument;
}
