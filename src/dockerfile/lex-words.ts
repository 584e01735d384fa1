/** The word splitting half of BuildKit's lexer (ProcessWords). */

const SPACE = /^\p{White_Space}$/u;

/** Accumulates ProcessWords' words: unquoted blanks from text and from `$` values split words. */
export class Words {
  private readonly words: string[] = [];
  private buf = '';
  private inWord = false;

  addChar(ch: string): void {
    if (!SPACE.test(ch)) this.addRaw(ch);
    else if (this.inWord && this.buf !== '') {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
  }
  addRaw(text: string): void {
    this.buf += text;
    this.inWord = true;
  }
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }
  done(): string[] {
    if (this.buf !== '') this.words.push(this.buf);
    this.buf = '';
    return this.words;
  }
}
