// Entry of the mail thread. Plain JavaScript, so it starts however the server was launched: it
// registers the TypeScript loader in this thread, then runs the thread's body.
import { registerTypeScript } from '../../thread-loader.js';
import { lowerThreadPriority } from '../../thread-priority.js';

lowerThreadPriority();
await registerTypeScript();
await import('./mail-thread-body.ts');
