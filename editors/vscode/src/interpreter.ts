import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { readSettings } from './settings';

/** The parts of the Python extension's API this extension reads. */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(
      path: { path: string },
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined;
  };
}

async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const active = api.environments?.getActiveEnvironmentPath(resource);
    if (active?.path) {
      const resolved = await api.environments?.resolveEnvironment?.(active);
      return resolved?.executable?.uri?.fsPath ?? active.path;
    }
    return api.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}

/** The interpreter that runs the server: the setting, else the Python extension's, else python3. */
export async function resolveInterpreter(resource?: vscode.Uri): Promise<string> {
  return (
    readSettings(resource).python ?? (await pythonExtensionInterpreter(resource)) ?? 'python3'
  );
}

/**
 * Undefined when `python`, started in `cwd` like the server, can import azml_lsp; else what went
 * wrong, in its own words.
 */
export function missingServer(python: string, cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', 'import azml_lsp'],
      { timeout: 30_000, cwd },
      (error, _stdout, stderr) => {
        if (!error) resolve(undefined);
        else resolve((stderr || error.message).trim().split('\n').pop());
      },
    );
  });
}
