import * as vscode from 'vscode';
import { AzmlClient, CommandHandlers } from './client';
import { DEBUG_TYPE, InlineDebugAdapterFactory } from './debugAttach';
import { selectInputs } from './inputs';
import { CommandArgument } from './model';
import { ResultsPanel } from './resultsPanel';
import { Runner } from './runner';
import { runSelfTest } from './selfTest';
import { commandArgument } from './settings';

function scriptOf(uri: unknown): vscode.Uri {
  if (uri instanceof vscode.Uri) return uri;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    throw new Error('azml: open a Python script first');
  }
  return editor.document.uri;
}

/** What the extension gives other extensions (and its own end-to-end test). */
export interface AzmlApi {
  client: AzmlClient;
  runner: Runner;
}

export function activate(context: vscode.ExtensionContext): AzmlApi {
  const output = vscode.window.createOutputChannel('azml');
  const panel = new ResultsPanel();
  // A code lens gives only the script's URI: the settings add the dialect and inputs.
  const withSettings = (argument: CommandArgument): CommandArgument => ({
    ...commandArgument(vscode.Uri.parse(argument.uri)),
    ...argument,
  });
  const handlers: CommandHandlers = {
    run: (argument) => runner.run(withSettings(argument)),
    debug: (argument) => runner.debug(withSettings(argument)),
  };
  const client = new AzmlClient(output, handlers);
  const runner: Runner = new Runner(client, panel, output);
  const register = (name: string, action: (uri: unknown) => unknown) =>
    vscode.commands.registerCommand(name, action);

  context.subscriptions.push(
    output,
    panel,
    client,
    runner,
    register('azml.runScript', (uri) => runner.run(commandArgument(scriptOf(uri)))),
    register('azml.debugScript', (uri) => runner.debug(commandArgument(scriptOf(uri)))),
    register('azml.checkWorkspace', () => runner.check()),
    register('azml.verifyMigration', (uri) => {
      // the original's dialect is the migration's to work out: the dialect setting is not sent
      const argument = commandArgument(scriptOf(uri));
      delete argument.dialect;
      return runner.verifyMigration(argument);
    }),
    register('azml.selectInputs', (uri) => selectInputs(scriptOf(uri))),
    register('azml.showOutput', () => {
      output.show();
    }),
    register('azml.restartServer', () => client.restart()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new InlineDebugAdapterFactory()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('azml.python')) void client.restart();
      else if (event.affectsConfiguration('azml')) void client.settingsChanged();
    }),
  );

  const selfTest = process.env.AZML_VSCODE_SELFTEST;
  void client
    .ready()
    .then(() =>
      selfTest
        ? runSelfTest(selfTest, {
            request: (method, params) => client.request(method, params),
            panelHtml: () => panel.html,
          })
        : undefined,
    );
  return { client, runner };
}

export function deactivate(): Thenable<void> | undefined {
  return undefined;
}
