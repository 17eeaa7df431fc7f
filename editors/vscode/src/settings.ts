import * as vscode from 'vscode';
import { CommandArgument, INPUT_KEYS } from './model';

/** The extension's settings for a resource, with empty strings read as "not set". */
export interface AzmlSettings {
  python: string | undefined;
  dialect: string | undefined;
  env: string | undefined;
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
    env: text(config.get<string>('env')),
    targetPython: text(config.get<string>('targetPython')),
    runTimeoutS: config.get<number>('runTimeout', 600),
    startTimeoutS: config.get<number>('startTimeout', 30),
    inputs: config.get<Record<string, Partial<Record<string, string>>>>('inputs', {}),
  };
}

/**
 * The settings the server reads (`initializationOptions`, `didChangeConfiguration`); an empty
 * setting is sent as null, which puts the server's value back to its default.
 */
export function serverSettings(settings: AzmlSettings, python: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    python,
    timeout: settings.runTimeoutS,
    dialect: settings.dialect ?? null,
    targetPython: settings.targetPython ?? null,
    // where runs happen; the server lets it win over `python`, and a script's own `env` over it
    env: settings.env ?? null,
  };
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
