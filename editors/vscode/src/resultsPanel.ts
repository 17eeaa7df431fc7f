import * as path from 'node:path';
import * as vscode from 'vscode';
import { OutputTable, RunResult } from './model';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escape(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function tableHtml(output: OutputTable): string {
  const header = output.columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const types = output.columns.map((_, i) => `<td>${escape(output.dtypes[i])}</td>`).join('');
  const rows = output.head
    .map((row) => `<tr>${row.map((v) => `<td>${escape(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<section class="table" data-port="${escape(output.port)}">
<h2>Result port ${escape(output.port)}: ${escape(output.rows)} rows × ${output.columns.length} columns</h2>
<p class="path">${escape(output.path)}</p>
<table><thead><tr>${header}</tr><tr class="dtypes">${types}</tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

function textBlock(title: string, text: string | undefined): string {
  return text ? `<h2>${title}</h2><pre class="${title}">${escape(text)}</pre>` : '';
}

/** The webview that shows a run: where it ran, result tables, plots, stdout/stderr and the error. */
export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private script: vscode.Uri | undefined;
  /** The HTML the panel shows now. */
  html = '';

  show(result: RunResult, script: vscode.Uri): vscode.WebviewPanel {
    const roots = [
      ...new Set([...result.images.map((i) => path.dirname(i)), path.dirname(script.fsPath)]),
    ].map((d) => vscode.Uri.file(d));
    const panel = this.open(script, roots);
    this.html = this.render(panel.webview, result, script);
    panel.webview.html = this.html;
    return panel;
  }

  /** Shows a self-contained HTML page, such as `azml migrate --verify`'s report. */
  showReport(html: string, script: vscode.Uri): vscode.WebviewPanel {
    const panel = this.open(script, []);
    this.html = html;
    panel.webview.html = html;
    return panel;
  }

  private open(script: vscode.Uri, roots: vscode.Uri[]): vscode.WebviewPanel {
    this.script = script;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'azml.results',
        'azml results',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: true },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((message: { line?: number }) =>
        this.openLine(message.line),
      );
    } else {
      this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.panel.title = `azml: ${path.basename(script.fsPath)}`;
    return this.panel;
  }

  private async openLine(line: number | undefined): Promise<void> {
    if (!this.script || typeof line !== 'number') return;
    const editor = await vscode.window.showTextDocument(this.script, {
      viewColumn: vscode.ViewColumn.One,
    });
    const position = new vscode.Position(Math.max(line - 1, 0), 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  }

  private render(webview: vscode.Webview, result: RunResult, script: vscode.Uri): string {
    const nonce = Array.from({ length: 16 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
    const images = result.images
      .map((i) => `<figure><img src="${webview.asWebviewUri(vscode.Uri.file(i)).toString()}" alt="${escape(path.basename(i))}"><figcaption>${escape(i)}</figcaption></figure>`)
      .join('');
    const error = result.error;
    const errorHtml = error
      ? `<section class="error"><h2>Error ${escape(error.code)}${
          typeof error.line === 'number'
            ? ` at <a href="#" data-line="${error.line}">line ${error.line}</a>`
            : ''
        }</h2><pre>${escape(error.detail || error.message)}</pre></section>`
      : '';
    const warnings = (result.warnings ?? []).map((w) => `<li>${escape(w)}</li>`).join('');
    const status = result.ok ? 'OK' : 'FAILED';
    const duration = typeof result.duration_s === 'number' ? ` in ${result.duration_s.toFixed(1)} s` : '';
    const environment = result.environment
      ? `<p class="environment">Ran in ${escape(result.environment)}</p>`
      : '';
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
h1 { font-size: 1.2em; } h2 { font-size: 1em; margin-top: 1.2em; }
.ok { color: var(--vscode-testing-iconPassed, green); } .failed { color: var(--vscode-errorForeground, red); }
table { border-collapse: collapse; } th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; }
tr.dtypes td { font-style: italic; opacity: 0.7; } .path, .environment { opacity: 0.7; font-size: 0.9em; }
pre { background: var(--vscode-textCodeBlock-background, #8881); padding: 0.5em; white-space: pre-wrap; }
img { max-width: 100%; background: white; }
</style></head>
<body>
<h1>${escape(path.basename(script.fsPath))}: <span class="${status.toLowerCase()}">${status}</span>${escape(duration)} <small>(${escape(result.dialect ?? '')})</small></h1>
${environment}
${errorHtml}
${warnings ? `<ul class="warnings">${warnings}</ul>` : ''}
${result.outputs.map(tableHtml).join('\n')}
${images ? `<h2>Plots</h2>${images}` : ''}
${textBlock('stdout', result.stdout)}
${textBlock('stderr', result.stderr)}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const link of document.querySelectorAll('a[data-line]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    vscode.postMessage({ line: Number(link.dataset.line) });
  });
}
</script>
</body></html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
