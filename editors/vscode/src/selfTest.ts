/**
 * The editor scenario run from inside VS Code through its API, when $AZML_VSCODE_SELFTEST names
 * a file: the findings are written there as JSON for the end-to-end test to check.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { saveInputs } from './inputs';
import { DebugAddress, RunResult } from './model';
import { migrateScenario } from './selfTestMigrate';
import { Findings, note, SelfTestHooks, waitFor } from './selfTestSupport';

const SCRIPT = 'score.py';
const RULE_CODE = /^AZ\d+$/;

interface DiagnosticFinding {
  code: string | null;
  message: string;
  line: number;
}

function diagnosticsOf(uri: vscode.Uri): DiagnosticFinding[] {
  return vscode.languages.getDiagnostics(uri).map((d) => ({
    code: d.code === undefined ? null : String(typeof d.code === 'object' ? d.code.value : d.code),
    message: d.message,
    line: d.range.start.line,
  }));
}

/** Counts diagnostic publications for one document, so a wait can ask for a newer one. */
class DiagnosticWatch implements vscode.Disposable {
  count = 0;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly uri: vscode.Uri) {
    this.subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) this.count++;
    });
  }

  wait(since: number, accept: (items: DiagnosticFinding[]) => boolean): Promise<DiagnosticFinding[]> {
    return waitFor(30, () => {
      const items = diagnosticsOf(this.uri);
      return this.count > since && accept(items) ? items : undefined;
    }).then(() => diagnosticsOf(this.uri));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function positionAfter(document: vscode.TextDocument, needle: string): vscode.Position {
  const at = document.getText().indexOf(needle);
  if (at < 0) throw new Error(`text not found: ${needle}`);
  return document.positionAt(at + needle.length);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) =>
      c instanceof vscode.MarkdownString ? c.value : typeof c === 'string' ? c : JSON.stringify(c),
    )
    .join('\n');
}

async function replaceText(document: vscode.TextDocument, from: string, to: string): Promise<void> {
  const start = positionAfter(document, from).translate(0, -from.length);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(start, start.translate(0, from.length)), to);
  await vscode.workspace.applyEdit(edit);
}

interface Stop {
  path: string | undefined;
  line: number | undefined;
  reason: string;
}

/** A breakpoint on the first line that contains `needle`. */
async function breakpointAt(uri: vscode.Uri, needle: string): Promise<vscode.SourceBreakpoint> {
  const document = await vscode.workspace.openTextDocument(uri);
  const position = new vscode.Position(positionAfter(document, needle).line, 0);
  return new vscode.SourceBreakpoint(new vscode.Location(uri, position));
}

/**
 * Debugs the script under `azml.debug` with breakpoints in the script and in its folder bundle,
 * continuing at each stop, and reports where it stopped.
 */
async function debugScenario(findings: Findings, document: vscode.TextDocument): Promise<unknown> {
  const bundled = vscode.Uri.joinPath(document.uri, '..', 'lib', 'summary.py');
  const breakpoints = [
    await breakpointAt(document.uri, 'print('),
    await breakpointAt(bundled, 'return totals'),
  ];
  vscode.debug.addBreakpoints(breakpoints);
  const events: { threadId: number; reason: string }[] = [];
  const session = { terminated: false };
  const disposables = [
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId: number; reason: string } }) => {
          if (message.type === 'event' && message.event === 'stopped' && message.body) {
            events.push(message.body);
          }
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession(() => (session.terminated = true)),
  ];
  const stops: Stop[] = [];
  try {
    const address = await vscode.commands.executeCommand<DebugAddress | undefined>(
      'azml.debugScript',
      document.uri,
    );
    note(findings, `debugpy at ${JSON.stringify(address)}`);
    while (!session.terminated && stops.length < breakpoints.length) {
      const event = await waitFor(45, () => events[stops.length] ?? (session.terminated ? null : undefined));
      const active = vscode.debug.activeDebugSession;
      if (!event || !active) break;
      const trace = (await active.customRequest('stackTrace', { threadId: event.threadId })) as {
        stackFrames: { line: number; source?: { path?: string } }[];
      };
      const top = trace.stackFrames[0];
      stops.push({ path: top?.source?.path, line: top?.line, reason: event.reason });
      await active.customRequest('continue', { threadId: event.threadId });
    }
    await waitFor(30, () => (session.terminated ? true : undefined));
    return {
      address,
      stops,
      breakpoints: breakpoints.map((b) => ({
        path: b.location.uri.fsPath,
        line: b.location.range.start.line + 1,
      })),
      terminated: session.terminated,
    };
  } finally {
    vscode.debug.removeBreakpoints(breakpoints);
    for (const disposable of disposables) disposable.dispose();
  }
}

async function scenario(findings: Findings, hooks: SelfTestHooks): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, SCRIPT);
  const watch = new DiagnosticWatch(uri);
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    findings.diagnostics_initial = await watch.wait(0, () => true);

    note(findings, 'hover');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      positionAfter(document, 'dataframe1.gr'),
    );
    findings.hover = hoverText(hovers);

    note(findings, 'completion');
    const completion = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      positionAfter(document, 'dataframe1.'),
      '.',
    );
    findings.completion = completion.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));

    note(findings, 'code lenses');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      uri,
    );
    findings.code_lenses = lenses.map((l) => l.command?.title ?? '');

    note(findings, 'break');
    const initial = (findings.diagnostics_initial as DiagnosticFinding[]).length;
    let since = watch.count;
    await replaceText(document, 'def azureml_main', 'def azureml_mian');
    findings.diagnostics_broken = await watch.wait(since, (items) =>
      items.some((d) => d.code !== null && RULE_CODE.test(d.code)),
    );
    const line = positionAfter(document, 'def azureml_mian').line;
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(line, 0, line, 0),
    );
    findings.code_actions = actions.map((a) => a.title);

    note(findings, 'fix');
    since = watch.count;
    await replaceText(document, 'def azureml_mian', 'def azureml_main');
    findings.diagnostics_fixed = await watch.wait(since, (items) => items.length <= initial);
    await document.save();

    note(findings, 'debug');
    findings.debug = await debugScenario(findings, document);

    note(findings, 'document symbols');
    const symbols: Record<string, unknown> = {};
    for (const name of [SCRIPT, 'legacy.py', 'lib/summary.py']) {
      const file = vscode.Uri.joinPath(folder.uri, name);
      await vscode.workspace.openTextDocument(file);
      symbols[name] = await hooks.request('textDocument/documentSymbol', {
        textDocument: { uri: file.toString() },
      });
    }
    findings.document_symbols = symbols;
    findings.bundle_diagnostics = diagnosticsOf(vscode.Uri.joinPath(folder.uri, 'lib', 'summary.py'));

    note(findings, 'check workspace');
    findings.check_total = await vscode.commands.executeCommand<number | undefined>(
      'azml.checkWorkspace',
    );

    note(findings, 'save inputs');
    const legacy = vscode.Uri.joinPath(folder.uri, 'legacy.py');
    findings.inputs_saved = await saveInputs(legacy, { dataset1: 'sales.csv' });
    findings.inputs_script = legacy.fsPath;

    note(findings, 'failing run');
    const broken = vscode.Uri.joinPath(folder.uri, 'broken.py');
    findings.failed_script = broken.fsPath;
    findings.failed_run = await vscode.commands.executeCommand<RunResult | undefined>(
      'azml.runScript',
      broken,
    );
    findings.failed_panel_html = hooks.panelHtml();

    note(findings, 'run');
    for (const command of ['closeSidebar', 'closePanel', 'closeAuxiliaryBar']) {
      await vscode.commands.executeCommand(`workbench.action.${command}`);
    }
    const runLens = lenses.find((l) => l.command?.command === 'azml.run')?.command;
    findings.lens_run = runLens
      ? await vscode.commands.executeCommand<RunResult | undefined>(
          runLens.command,
          ...((runLens.arguments ?? []) as unknown[]),
        )
      : null;
    findings.run = await vscode.commands.executeCommand<RunResult | undefined>('azml.runScript', uri);
  } finally {
    watch.dispose();
  }
}

/**
 * After the findings are read: switch `azml.python` to an interpreter without azml_lsp (named by
 * $AZML_VSCODE_SELFTEST_BARE_PYTHON), once `${file}.next` exists, so the browser can read the
 * message the user gets.
 */
async function missingServerScenario(file: string): Promise<void> {
  const bare = process.env.AZML_VSCODE_SELFTEST_BARE_PYTHON;
  if (!bare) return;
  await waitFor(120, () => (existsSync(`${file}.next`) ? true : undefined));
  await vscode.workspace
    .getConfiguration('azml')
    .update('python', bare, vscode.ConfigurationTarget.Workspace);
}

/** The scenarios $AZML_VSCODE_SELFTEST_SCENARIO can name (default: `editor`). */
const SCENARIOS: Record<string, (findings: Findings, hooks: SelfTestHooks) => Promise<void>> = {
  editor: scenario,
  migrate: migrateScenario,
};

/** Runs the scenario and writes the findings to `file`. */
export async function runSelfTest(file: string, hooks: SelfTestHooks): Promise<void> {
  const findings: Findings = { log: [] };
  const name = process.env.AZML_VSCODE_SELFTEST_SCENARIO || 'editor';
  try {
    const chosen = SCENARIOS[name];
    if (!chosen) throw new Error(`no self-test scenario ${name}: ${Object.keys(SCENARIOS).join(', ')}`);
    await chosen(findings, hooks);
    findings.exit_code = 0;
  } catch (error) {
    note(findings, `self-test error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    findings.exit_code = 1;
  }
  note(findings, 'finish');
  await writeFile(file, JSON.stringify(findings));
  await missingServerScenario(file);
}
