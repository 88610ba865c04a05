// A W3 client process: connects its share of the chat pairs over one transport, then runs
// measurement windows on command from the parent (IPC) and answers with what it saw.
// Several of these share the load so the generator is not the bottleneck it measures.
import { ChatPairs, type PairRunOptions } from './chat-pairs.ts';
import { type ChatTransportSpec, transportFor } from './chat-transports.ts';

export type ClientCommand =
  | { cmd: 'connect'; spec: ChatTransportSpec; indices: number[] }
  | { cmd: 'run'; options: PairRunOptions }
  | { cmd: 'close' };

let pairs: ChatPairs | undefined;
const reply = (m: object) => process.send!(m);

process.on('message', (m: ClientCommand) => {
  const work = async () => {
    if (m.cmd === 'connect') {
      pairs = new ChatPairs(transportFor(m.spec));
      await pairs.connect(m.indices);
      reply({ ok: 'connected' });
    } else if (m.cmd === 'run') {
      reply({ ok: 'result', result: await pairs!.run(m.options) });
    } else {
      await pairs?.close();
      setTimeout(() => process.exit(0), 100);
    }
  };
  work().catch((err: Error) => reply({ error: err.stack ?? err.message }));
});
process.on('disconnect', () => process.exit(0));
