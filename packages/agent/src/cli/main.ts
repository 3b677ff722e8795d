export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export async function main(_argv: string[], io: Io): Promise<number> {
  io.stdout.write('portcullis: not yet\n');
  return 0;
}
