import * as path from 'node:path';
import * as vscode from 'vscode';
import { INPUT_KEYS, InputKey } from './model';

/** The header the CLI and the server read: `# azml: dataset1=data.csv bundle=lib/`. */
const HEADER = /^\s*#\s*azml:(.*)$/;
const HEADER_LINES = 20;
const SAFE_VALUE = /^[\w@%+=:,./-]+$/;

function quote(value: string): string {
  return SAFE_VALUE.test(value) ? value : `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** Splits a header's words like a POSIX shell: whitespace separates, quotes group. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current = (current ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      current ??= '';
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** The header line for the given words, keeping the order of keys already there. */
export function headerLine(words: Map<string, string>): string {
  const parts = [...words].map(([key, value]) => `${key}=${quote(value)}`);
  return `# azml: ${parts.join(' ')}`;
}

function findHeader(document: vscode.TextDocument): number | undefined {
  for (let line = 0; line < Math.min(HEADER_LINES, document.lineCount); line++) {
    if (HEADER.test(document.lineAt(line).text)) return line;
  }
  return undefined;
}

function insertionLine(document: vscode.TextDocument): number {
  let line = 0;
  while (
    line < Math.min(2, document.lineCount) &&
    /^#!|^#.*coding[:=]/.test(document.lineAt(line).text)
  ) {
    line++;
  }
  return line;
}

async function pickInput(key: InputKey, current: string | undefined, base: string): Promise<string | null | undefined> {
  const isBundle = key === 'bundle';
  const items: (vscode.QuickPickItem & { action: string })[] = [
    { label: isBundle ? '$(file-zip) Choose a zip…' : '$(file) Choose a file…', action: 'file' },
    ...(isBundle ? [{ label: '$(folder) Choose a folder…', action: 'folder' }] : []),
    { label: '$(close) None', action: 'none' },
  ];
  if (current) items.unshift({ label: `$(check) Keep ${current}`, action: 'keep' });
  const picked = await vscode.window.showQuickPick(items, {
    title: `azml: ${key}`,
    placeHolder: isBundle ? 'The Script Bundle: a zip or a folder' : `The table on the ${key} port`,
  });
  if (!picked) return undefined;
  if (picked.action === 'keep') return current ?? null;
  if (picked.action === 'none') return null;
  const chosen = await vscode.window.showOpenDialog({
    defaultUri: vscode.Uri.file(base),
    canSelectFiles: picked.action === 'file',
    canSelectFolders: picked.action === 'folder',
    canSelectMany: false,
    filters:
      picked.action === 'file'
        ? isBundle
          ? { 'Zip files': ['zip'] }
          : { Tables: ['csv', 'tsv', 'txt', 'parquet', 'pq', 'json', 'xlsx', 'feather', 'arff'], 'All files': ['*'] }
        : undefined,
  });
  if (!chosen?.[0]) return undefined;
  const relative = path.relative(base, chosen[0].fsPath).split(path.sep).join('/');
  return picked.action === 'folder' ? `${relative}/` : relative;
}

interface Header {
  line: number | undefined;
  words: Map<string, string>;
}

function readHeader(document: vscode.TextDocument): Header {
  const line = findHeader(document);
  const words = new Map<string, string>();
  if (line !== undefined) {
    const match = HEADER.exec(document.lineAt(line).text);
    for (const word of splitWords(match?.[1] ?? '')) {
      const at = word.indexOf('=');
      if (at > 0) words.set(word.slice(0, at), word.slice(at + 1));
    }
  }
  return { line, words };
}

/**
 * Saves inputs in the script's `# azml:` header, keeping its other keys; a null value removes
 * that input. Paths are relative to the script's folder, as the CLI reads them.
 */
export async function saveInputs(
  script: vscode.Uri,
  values: Partial<Record<InputKey, string | null>>,
): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(script);
  const { line: headerAt, words } = readHeader(document);
  for (const key of INPUT_KEYS) {
    const value = values[key];
    if (value === null) words.delete(key);
    else if (value !== undefined) words.set(key, value);
  }
  const edit = new vscode.WorkspaceEdit();
  const line = headerLine(words);
  if (headerAt !== undefined) {
    edit.replace(script, document.lineAt(headerAt).range, words.size ? line : '');
  } else if (words.size) {
    edit.insert(script, new vscode.Position(insertionLine(document), 0), `${line}\n`);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied) await document.save();
  return applied;
}

/** Asks for the datasets and bundle of a script and saves them in its `# azml:` header. */
export async function selectInputs(script: vscode.Uri): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(script);
  const base = path.dirname(script.fsPath);
  const { words } = readHeader(document);
  const values: Partial<Record<InputKey, string | null>> = {};
  for (const key of INPUT_KEYS) {
    const value = await pickInput(key, words.get(key), base);
    if (value === undefined) return false;
    values[key] = value;
  }
  return saveInputs(script, values);
}
