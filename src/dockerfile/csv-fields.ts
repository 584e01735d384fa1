/**
 * One record of Go's `encoding/csv` (BuildKit reads `--mount` values with it): comma-separated
 * fields, a field that starts with `"` is quoted (`""` inside is one quote, commas are kept), a
 * bare quote inside an unquoted field is an error, as Go's reader reports without LazyQuotes.
 */

/** The fields of `text`, or an error message Go's reader would give. */
export function csvFields(text: string): { fields: string[] } | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return { error: `extraneous or missing " in quoted-field` };
        const ch = text[i++];
        if (ch !== '"') field += ch;
        else if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
      if (i < text.length && text[i] !== ',') return { error: `extraneous or missing " in quoted-field` };
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? text.length : end);
      if (field.includes('"')) return { error: `bare " in non-quoted-field` };
      i += field.length;
    }
    fields.push(field);
    if (i >= text.length) return { fields };
    i++;
  }
}
