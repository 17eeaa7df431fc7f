/**
 * The migration scenario: "Verify Migration to Designer" on a Python 2.7 classic script, then the
 * code action "Migrate script to designer" applied to its document, which is then reverted.
 */
import * as vscode from 'vscode';
import { VerifyResult } from './model';
import { Findings, note, SelfTestHooks, waitFor } from './selfTestSupport';

const SCRIPT = 'legacy27.py';
const MIGRATE_TITLE = 'Migrate script to designer';

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The script as VS Code holds it and as the disk does. */
async function state(document: vscode.TextDocument): Promise<Record<string, unknown>> {
  return { document: document.getText(), dirty: document.isDirty, disk: await diskText(document.uri) };
}

/** The migration action the server offers for the whole document, once it offers it. */
function migrateAction(uri: vscode.Uri): Promise<vscode.CodeAction | undefined> {
  return waitFor(30, async () => {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(0, 0, 0, 0),
      vscode.CodeActionKind.RefactorRewrite.value,
    );
    const found = actions.find((a) => a.title.startsWith(MIGRATE_TITLE));
    return found && 'edit' in found ? found : undefined;
  });
}

export async function migrateScenario(findings: Findings, hooks: SelfTestHooks): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, SCRIPT);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, vscode.ViewColumn.One);

  note(findings, 'verify migration');
  findings.verify = await vscode.commands.executeCommand<VerifyResult | undefined>(
    'azml.verifyMigration',
    uri,
  );
  findings.verify_panel_html = hooks.panelHtml();
  findings.after_verify = await state(document);

  note(findings, 'migrate action');
  const action = await migrateAction(uri);
  if (!action?.edit) throw new Error(`no code action "${MIGRATE_TITLE}" with an edit`);
  const applied = await vscode.workspace.applyEdit(action.edit);
  findings.migrate_action = {
    title: action.title,
    kind: action.kind?.value ?? null,
    listed: (action.diagnostics ?? []).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code)),
    applied,
    ...(await state(document)),
  };

  note(findings, 'revert');
  await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  findings.after_revert = await state(document);
}
