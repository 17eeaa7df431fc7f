import * as path from 'node:path';
import * as vscode from 'vscode';
import { AzmlClient } from './client';
import { attachDebugger } from './debugAttach';
import {
  CHECK_COMMAND,
  CommandArgument,
  DEBUG_COMMAND,
  DebugAddress,
  MIGRATE_VERIFY_COMMAND,
  RUN_COMMAND,
  RunResult,
  VerifyResult,
} from './model';
import { ResultsPanel } from './resultsPanel';
import { readSettings } from './settings';

/** The checker's JSON for one finding (`azml check --format json`). */
interface Finding {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  code: string;
  severity: string;
  message: string;
}

const SEVERITIES: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Run, Debug and Check: server commands with progress in the status bar. */
export class Runner implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  private readonly checked = vscode.languages.createDiagnosticCollection('azml-check');
  lastResult: RunResult | undefined;

  constructor(
    private readonly client: AzmlClient,
    private readonly panel: ResultsPanel,
    private readonly output: vscode.OutputChannel,
  ) {
    this.status.command = 'azml.showOutput';
  }

  private timeoutS(script: vscode.Uri): number {
    return readSettings(script).runTimeoutS + 30;
  }

  private async withStatus<T>(text: string, work: () => Promise<T>): Promise<T | undefined> {
    this.status.text = `$(sync~spin) ${text}`;
    this.status.show();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: text },
        work,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.status.text = `$(error) azml: failed`;
      this.output.appendLine(`${text}: ${message}`);
      void vscode.window.showErrorMessage(`azml: ${message}`, 'Show Output').then((choice) => {
        if (choice) this.output.show();
      });
      return undefined;
    }
  }

  /** Runs a script like the cloud module and shows the result panel. */
  run(argument: CommandArgument): Promise<RunResult | undefined> {
    const script = vscode.Uri.parse(argument.uri);
    const name = path.basename(script.fsPath);
    return this.withStatus(`azml: running ${name}`, async () => {
      const result = await this.client.execute<RunResult>(RUN_COMMAND, argument, this.timeoutS(script));
      this.lastResult = result;
      this.panel.show(result, script);
      this.status.text = result.ok ? `$(check) azml: ${name}` : `$(error) azml: ${name} failed`;
      return result;
    });
  }

  /** Runs the original and its designer migration, shows the comparison report in the panel. */
  verifyMigration(argument: CommandArgument): Promise<VerifyResult | undefined> {
    const script = vscode.Uri.parse(argument.uri);
    const name = path.basename(script.fsPath);
    return this.withStatus(`azml: verifying the migration of ${name}`, async () => {
      const result = await this.client.execute<VerifyResult>(
        MIGRATE_VERIFY_COMMAND,
        argument,
        2 * this.timeoutS(script),
      );
      const page = await vscode.workspace.fs.readFile(vscode.Uri.file(result.report));
      this.panel.showReport(new TextDecoder().decode(page), script);
      this.status.text = result.equal ? `$(check) azml: ${name} migrates` : `$(error) azml: ${name} differs`;
      this.output.appendLine(`${name}: ${result.verdict} (report: ${result.report})`);
      return result;
    });
  }

  /** Starts a script under debugpy and attaches VS Code's debugger. */
  debug(argument: CommandArgument): Promise<DebugAddress | undefined> {
    const script = vscode.Uri.parse(argument.uri);
    const name = path.basename(script.fsPath);
    return this.withStatus(`azml: debugging ${name}`, async () => {
      const address = await this.client.execute<DebugAddress>(
        DEBUG_COMMAND,
        argument,
        this.timeoutS(script),
      );
      this.output.appendLine(`debugpy for ${name} listens on ${address.host}:${address.port}`);
      if (!(await attachDebugger(address, script))) {
        throw new Error(`could not attach to debugpy at ${address.host}:${address.port}`);
      }
      this.status.text = `$(debug-alt) azml: ${name}`;
      return address;
    });
  }

  /** Checks the workspace's scripts; the findings of closed files go to Problems. */
  check(): Promise<number | undefined> {
    return this.withStatus('azml: checking the workspace', async () => {
      const files = await vscode.workspace.findFiles(
        '**/*.py',
        '**/{node_modules,.venv,venv,.git,__pycache__}/**',
        2000,
      );
      const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
      this.checked.clear();
      let total = 0;
      let scripts = 0;
      for (const file of files) {
        if (!(await isScript(file))) continue;
        scripts++;
        const findings = await this.client.execute<Finding[]>(
          CHECK_COMMAND,
          { uri: file.toString() },
          this.timeoutS(file),
        );
        total += findings.length;
        for (const f of findings) {
          this.output.appendLine(`${file.fsPath}:${f.line}:${f.column}: ${f.code} ${f.message}`);
        }
        if (!open.has(file.toString())) {
          this.checked.set(file, findings.map(toDiagnostic));
        }
      }
      this.status.text = `$(checklist) azml: ${total} finding(s)`;
      void vscode.window.showInformationMessage(
        `azml: ${total} finding(s) in ${scripts} script(s)`,
      );
      return total;
    });
  }

  dispose(): void {
    this.status.dispose();
    this.checked.dispose();
  }
}

/** Like `azml check FOLDER`: a script defines azureml_main or carries an `# azml:` header. */
async function isScript(file: vscode.Uri): Promise<boolean> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  return /\bazureml_main\b|^\s*#\s*azml:/m.test(text);
}

function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const range = new vscode.Range(
    Math.max(finding.line - 1, 0),
    Math.max(finding.column - 1, 0),
    Math.max(finding.end_line - 1, 0),
    Math.max(finding.end_column - 1, 0),
  );
  const diagnostic = new vscode.Diagnostic(
    range,
    finding.message,
    SEVERITIES[finding.severity] ?? vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.code = finding.code;
  diagnostic.source = 'azml';
  return diagnostic;
}
