// `@qsp/contract/node`: the parts that need Node (files and the CLI). The
// root entry stays free of node: builtins so verify() runs in browsers.

export { main } from './cli.js';
export { verifyFile, type WrittenContract, writeContract } from './fs.js';
