// Output for a person watching the demo: coloured when the terminal allows it.
const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);

export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const red = paint('31');
export const cyan = paint('36');
export const yellow = paint('33');

export type Log = (line: string) => void;

export type Write = (text: string) => void;

export function stepLogger(prefix: string, write: Write = (t) => process.stdout.write(t)): Log {
  return (line) => write(`  ${dim(prefix)} ${line}\n`);
}
