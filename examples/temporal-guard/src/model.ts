// The "AI system" being guarded: a tiny local bigram text model, trained on a
// few sentences at start-up. Small on purpose, but real: it answers from its
// own state and streams its output word by word, like a model server would.
export class BigramModel {
  readonly #next = new Map<string, string[]>();

  constructor(corpus: readonly string[]) {
    for (const sentence of corpus) {
      const words = sentence.toLowerCase().split(/\s+/).filter(Boolean);
      for (let i = 0; i + 1 < words.length; i++) {
        const list = this.#next.get(words[i]!) ?? [];
        list.push(words[i + 1]!);
        this.#next.set(words[i]!, list);
      }
    }
  }

  /** The most frequent follower of `word`, or undefined. */
  predict(word: string): string | undefined {
    const counts = new Map<string, number>();
    for (const w of this.#next.get(word.toLowerCase()) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    let best: string | undefined;
    for (const [w, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = w;
    return best;
  }

  /** Streams a continuation of `prompt`, one word per tick (a slow generation). */
  async *generate(prompt: string, words: number, tickMs: number): AsyncGenerator<string> {
    let word = prompt.toLowerCase();
    for (let i = 0; i < words; i++) {
      const next = this.predict(word);
      if (next === undefined) return;
      await new Promise((ok) => setTimeout(ok, tickMs));
      yield next;
      word = next;
    }
  }
}
