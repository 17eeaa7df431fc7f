import * as path from 'node:path';
import * as vscode from 'vscode';
import { DebugAddress } from './model';

/** The inline debug type: VS Code talks DAP straight to the debugpy server `azml.debug` opens. */
export const DEBUG_TYPE = 'azml';

interface AttachConfiguration extends vscode.DebugConfiguration {
  connect?: Partial<DebugAddress>;
}

export class InlineDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(
    session: vscode.DebugSession,
  ): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const connect = (session.configuration as AttachConfiguration).connect;
    if (typeof connect?.port !== 'number') {
      throw new Error('azml: the attach configuration needs "connect": {"host", "port"}');
    }
    return new vscode.DebugAdapterServer(connect.port, connect.host ?? '127.0.0.1');
  }
}

/**
 * Attaches VS Code's debugger to debugpy at `address`: through the debugpy extension when it is
 * installed, else through the inline adapter.
 */
export function attachDebugger(
  address: DebugAddress,
  script: vscode.Uri,
): Thenable<boolean> {
  const type = vscode.extensions.getExtension('ms-python.debugpy') ? 'debugpy' : DEBUG_TYPE;
  const configuration: AttachConfiguration = {
    type,
    request: 'attach',
    name: `azml: ${path.basename(script.fsPath)}`,
    connect: { host: address.host, port: address.port },
    justMyCode: false,
  };
  return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(script), configuration);
}
