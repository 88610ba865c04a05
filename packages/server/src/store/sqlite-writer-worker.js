// Entry of the SQLite writer thread. Plain JavaScript, so it starts however the server was
// launched: it registers the TypeScript loader in this thread, then runs the thread's body.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-writer-body.ts');
