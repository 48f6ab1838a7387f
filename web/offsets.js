// Offsets in an article's body. The API counts Unicode scalars, as the CLI and the W3C export do; the browser
// counts UTF-16 code units. The two differ by one for every scalar outside the Basic Multilingual Plane (most
// emoji); combining marks are scalars of their own in both.

/** Converts between UTF-16 and Unicode scalar offsets of one string, in O(log n) per conversion. */
export class ScalarIndex {
  constructor(text) {
    this.text = text;
    // The UTF-16 offset of the high surrogate of every astral scalar, in order.
    this.astral = [];
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          this.astral.push(i);
          i++;
        }
      }
    }
    this.length16 = text.length;
    this.length = text.length - this.astral.length;
  }

  /** The scalar offset of a UTF-16 offset; one inside a surrogate pair counts as the start of its scalar. */
  toScalar(offset16) {
    // Astral scalars that start before offset16 each took two units for one scalar.
    const before = lowerBound(this.astral, offset16);
    return offset16 - before;
  }

  /** The UTF-16 offset of a scalar offset. */
  toUTF16(scalar) {
    // Find how many astral scalars lie before `scalar`: the k-th (0-based) astral scalar has scalar offset
    // astral[k] - k, which grows with k, so search on it.
    let low = 0;
    let high = this.astral.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.astral[mid] - mid < scalar) low = mid + 1;
      else high = mid;
    }
    return scalar + low;
  }

  /** The text between two scalar offsets. */
  slice(start, end) {
    return this.text.slice(this.toUTF16(start), this.toUTF16(end));
  }
}

/** The number of elements of the sorted array `values` less than `value`. */
function lowerBound(values, value) {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The paragraphs of a body, as UTF-16 ranges `{start, end}`: the body's paragraphs are separated by blank lines
 * (a line break, optional spaces or tabs, a line break). The separators themselves are not part of any paragraph.
 */
export function paragraphRanges(body) {
  const ranges = [];
  const separator = /\n[ \t]*\n\s*/g;
  let start = 0;
  for (const match of body.matchAll(separator)) {
    if (match.index > start) ranges.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  if (start < body.length) ranges.push({ start, end: body.length });
  return ranges;
}

const contextLength = 32;

/**
 * The selector the API takes for the UTF-16 range [start16, end16) of `index`'s text: the quote, up to 32 scalars
 * of prefix and suffix, and the scalar offsets.
 */
export function selectorFor(index, start16, end16) {
  const start = index.toScalar(start16);
  const end = index.toScalar(end16);
  return {
    quote: index.slice(start, end),
    prefix: index.slice(Math.max(0, start - contextLength), start),
    suffix: index.slice(end, Math.min(index.length, end + contextLength)),
    start,
    end,
  };
}
