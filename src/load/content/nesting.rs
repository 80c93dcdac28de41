//! Where a front-matter first nests deeper than a bound, found by one pass
//! over the text without parsing it. The estimate follows the syntax far
//! enough to ignore brackets in strings, comments and block scalars; where
//! it is unsure it errs on the deep side, which a real front-matter (three
//! levels at most) never comes near.

/// The byte offset in a TOML text where the nesting of tables (headers,
/// dotted keys, inline tables) and arrays first exceeds `max`.
pub(super) fn toml(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    // The depth of the current [table] (the root is 1), and of each
    // open array or inline table with its bracket.
    let mut table = 1;
    let mut open: Vec<(u8, usize)> = Vec::new();
    // Reading a key (at a line start, or after `{` or `,` in an inline
    // table) and the dots seen in it; the depth of the value after `=`.
    let mut in_key = true;
    let mut dots = 0;
    let mut value = table;
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' | b'\'' => {
                i = skip_toml_string(b, i);
                line_start = false;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => {
                if open.is_empty() {
                    in_key = true;
                    dots = 0;
                }
                line_start = true;
                i += 1;
                continue;
            }
            b'[' if line_start && open.is_empty() => {
                // A table header: its depth is its number of keys.
                let array = b.get(i + 1) == Some(&b'[');
                let mut j = i + 1 + usize::from(array);
                let mut keys = 1 + usize::from(array);
                while j < b.len() && b[j] != b']' && b[j] != b'\n' {
                    match b[j] {
                        b'"' | b'\'' => {
                            j = skip_toml_string(b, j);
                            continue;
                        }
                        b'.' => keys += 1,
                        _ => {}
                    }
                    if keys >= max {
                        return Some(j);
                    }
                    j += 1;
                }
                table = keys;
                in_key = false;
                i = j;
                line_start = false;
                continue;
            }
            b'.' if in_key => {
                dots += 1;
                let depth = open.last().map_or(table, |o| o.1) + dots;
                if depth >= max {
                    return Some(i);
                }
            }
            b'=' if in_key => {
                in_key = false;
                value = open.last().map_or(table, |o| o.1) + dots;
                dots = 0;
            }
            b'[' | b'{' if !in_key => {
                let depth = match open.last() {
                    Some((b'[', d)) => d + 1,
                    _ => value + 1,
                };
                if depth > max {
                    return Some(i);
                }
                open.push((c, depth));
                if c == b'{' {
                    in_key = true;
                    dots = 0;
                }
            }
            b']' | b'}' if !open.is_empty() => {
                open.pop();
                in_key = false;
            }
            b',' if matches!(open.last(), Some((b'{', _))) => {
                in_key = true;
                dots = 0;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            line_start = false;
        }
        i += 1;
    }
    None
}

/// The index just past the TOML string starting at `b[i]` (a quote):
/// basic or literal, one line or multi-line.
fn skip_toml_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
    let mut j = i + if triple { 3 } else { 1 };
    while j < b.len() {
        match b[j] {
            b'\\' if q == b'"' => j += 1,
            b'\n' if !triple => return j,
            c if c == q => {
                if !triple {
                    return j + 1;
                }
                if b.get(j..j + 3) == Some(&[q, q, q][..]) {
                    // Up to two more quotes may end the string's text.
                    let mut k = j + 3;
                    while k < b.len() && b[k] == q && k < j + 5 {
                        k += 1;
                    }
                    return k;
                }
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

/// The byte offset in a YAML text where the nesting of block
/// collections (by indentation and `- ` indicators) and flow
/// collections (`[` `{`) first exceeds `max`.
pub(super) fn yaml(text: &str, max: usize) -> Option<usize> {
    // Indentation of the open block collections.
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0;
    // The quote of a quoted scalar running over lines.
    let mut quote: Option<u8> = None;
    // Indentation of the line that opened a block scalar (`|`, `>`):
    // more indented lines are its text.
    let mut block_scalar: Option<usize> = None;
    // The depth at the end of the last line, for a line that continues
    // its flow collection or quoted scalar.
    let mut carried = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let b = line.as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        let blank = line[indent..].trim().is_empty();
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        let mut i = indent;
        let mut depth = carried;
        // Where a scalar or collection may start: `[` there opens a flow
        // collection, a quote a quoted scalar.
        let mut at_value = true;
        if quote.is_none() && flow == 0 {
            if blank || b[indent] == b'#' {
                continue;
            }
            while indents.last().is_some_and(|&t| t > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            depth = indents.len();
            // Compact nesting: `- - x`, `- key: x`, `? x`.
            while matches!(b.get(i), Some(b'-' | b'?'))
                && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
            {
                depth += 1;
                i += 1;
                while matches!(b.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
            }
            if depth > max {
                return Some(start + indent);
            }
        } else {
            at_value = flow > 0;
        }
        while i < b.len() {
            let c = b[i];
            if let Some(q) = quote {
                if q == b'"' && c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    at_value = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t') => break,
                b'"' | b'\'' if at_value => quote = Some(c),
                b'[' | b'{' if at_value || flow > 0 => {
                    flow += 1;
                    if depth + flow > max {
                        return Some(start + i);
                    }
                    at_value = true;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    at_value = false;
                }
                b',' if flow > 0 => at_value = true,
                b':' if flow > 0
                    || matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None) =>
                {
                    at_value = true;
                    if flow == 0 {
                        depth += 1;
                        if depth > max {
                            return Some(start + i);
                        }
                    }
                }
                b'|' | b'>' if at_value && flow == 0 => {
                    block_scalar = Some(indent);
                    break;
                }
                b'&' | b'!' if at_value => {
                    // An anchor or a tag before the value.
                    while i + 1 < b.len() && !matches!(b[i + 1], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => at_value = false,
            }
            i += 1;
        }
        carried = depth;
    }
    None
}
