/** Why the lexer stopped; `expand()` wraps it into an ExpandError naming the whole word. */
export class LexFail extends Error {}
