// Nesting limits. Parsers, canonicalizers and validators recurse, so a file
// of 10,000 nested brackets would exhaust the stack; a contract is a few
// levels deep, so anything deeper than MAX_DEPTH is refused before any of
// them runs. The scan is iterative.

/** Deepest nesting of arrays and objects a contract (and its input layer) may have. */
export const MAX_DEPTH = 64;

/** True when a value nests arrays/objects deeper than `max`, or holds a cycle. */
export function valueTooDeep(value: unknown, max = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
