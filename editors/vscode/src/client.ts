import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import { missingServer, resolveInterpreter } from './interpreter';
import { CommandArgument, DEBUG_COMMAND, RUN_COMMAND } from './model';
import { readSettings, serverSettings } from './settings';

/** What happens when a server command (a code lens) asks for a run or a debug session. */
export interface CommandHandlers {
  run(argument: CommandArgument): Promise<unknown>;
  debug(argument: CommandArgument): Promise<unknown>;
}

/** Starts `azml lsp` with the chosen interpreter and sends it commands. */
export class AzmlClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  python = 'python3';

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly handlers: CommandHandlers,
  ) {}

  /** The running client, started on first use; undefined when the server cannot start. */
  ready(): Promise<LanguageClient | undefined> {
    this.starting ??= this.start();
    return this.starting;
  }

  private async start(): Promise<LanguageClient | undefined> {
    const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
    this.python = await resolveInterpreter(scope);
    const cwd = scope?.scheme === 'file' ? scope.fsPath : os.homedir();
    const missing = await missingServer(this.python, cwd);
    if (missing) {
      this.output.appendLine(`${this.python} cannot import azml_lsp: ${missing}`);
      void this.offerInstall(missing);
      return undefined;
    }
    const settings = readSettings(scope);
    const serverOptions: ServerOptions = {
      command: this.python,
      args: ['-m', 'azml_lsp', 'lsp'],
      options: { cwd },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'python' }],
      outputChannel: this.output,
      initializationOptions: serverSettings(settings, this.python),
      middleware: {
        executeCommand: (command, args, next) => {
          const argument = args[0] as CommandArgument;
          if (command === RUN_COMMAND) return this.handlers.run(argument);
          if (command === DEBUG_COMMAND) return this.handlers.debug(argument);
          return next(command, args) as Promise<unknown>;
        },
      },
    };
    const client = new LanguageClient('azml', 'azml', serverOptions, clientOptions);
    this.output.appendLine(`starting ${this.python} -m azml_lsp lsp`);
    await withTimeout(client.start(), settings.startTimeoutS, 'the language server to start');
    this.client = client;
    return client;
  }

  private async offerInstall(missing: string): Promise<void> {
    const command = `"${this.python}" -m pip install azml-lsp`;
    const choice = await vscode.window.showErrorMessage(
      `azml: the interpreter ${this.python} has no azml_lsp (${missing}). Install it with: ${command}`,
      'Install',
      'Choose Interpreter',
      'Show Output',
    );
    if (choice === 'Install') {
      const terminal = vscode.window.createTerminal('azml: install');
      terminal.show();
      terminal.sendText(command);
      const restart = await vscode.window.showInformationMessage(
        'azml: restart the language server once pip has finished.',
        'Restart',
      );
      if (restart) await this.restart();
    } else if (choice === 'Choose Interpreter') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'azml.python');
    } else if (choice === 'Show Output') {
      this.output.show();
    }
  }

  /** Runs a server command with one argument and returns its result. */
  async execute<T>(
    command: string,
    argument: CommandArgument,
    timeoutS: number,
    token?: vscode.CancellationToken,
  ): Promise<T> {
    const client = await this.ready();
    if (!client) throw new Error('the azml language server is not running (see the azml output)');
    const request = client.sendRequest(
      ExecuteCommandRequest.type,
      { command, arguments: [argument] },
      token,
    ) as Promise<T>;
    return withTimeout(request, timeoutS, command);
  }

  /** Sends any LSP request and returns the server's raw reply. */
  async request(method: string, params: unknown): Promise<unknown> {
    const client = await this.ready();
    if (!client) throw new Error('the azml language server is not running (see the azml output)');
    return client.sendRequest(method, params);
  }

  /** Sends the current settings to the server. */
  async settingsChanged(): Promise<void> {
    if (!this.client) return;
    const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: serverSettings(readSettings(scope), this.python),
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.ready();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    await client?.stop();
  }

  dispose(): void {
    void this.stop();
  }
}

function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`azml: timed out after ${seconds} s waiting for ${what}`));
    }, seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
