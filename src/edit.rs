//! Edit distance for typo tolerance, without heap allocation for words of ordinary length.

/// Longest word (in characters) measured on the stack; longer ones fall back to `strsim`.
const STACK_CHARS: usize = 48;

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// transpositions of two adjacent characters, each one edit, no substring edited twice.
/// This is what a typo is ("pasword", "adress", "teh"). Equal to
/// `strsim::osa_distance`, which allocates three rows per call; this runs per word pair
/// of every message, so words of up to [`STACK_CHARS`] characters are measured in
/// buffers on the stack.
pub(crate) fn osa_distance(a: &str, b: &str) -> usize {
    let mut ac = ['\0'; STACK_CHARS];
    let mut bc = ['\0'; STACK_CHARS];
    let (Some(la), Some(lb)) = (fill(a, &mut ac), fill(b, &mut bc)) else {
        return strsim::osa_distance(a, b);
    };
    let (a, b) = (&ac[..la], &bc[..lb]);
    if la == 0 || lb == 0 {
        return la.max(lb);
    }
    // Three rows of the distance table: two rows back (for transpositions), the previous
    // one and the current one, used in turn.
    let mut rows = [[0u8; STACK_CHARS + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(lb + 1) {
        *cell = j as u8;
    }
    for i in 1..=la {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i as u8;
        for j in 1..=lb {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
        }
    }
    usize::from(rows[la % 3][lb])
}

/// Copies the characters of `s` into `buf`; `None` when there are too many.
fn fill(s: &str, buf: &mut [char; STACK_CHARS]) -> Option<usize> {
    let mut n = 0;
    for c in s.chars() {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    Some(n)
}

/// True if `b` is `a` with two adjacent letters swapped ("bakc" / "back").
pub(crate) fn is_adjacent_swap(a: &str, b: &str) -> bool {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return false,
            (Some(p), Some(q)) if p == q => continue,
            (Some(p), Some(q)) => {
                // First difference: the next two letters must be q, p and the rest equal.
                return x.next() == Some(q) && y.next() == Some(p) && x.eq(y);
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typical_typos() {
        assert_eq!(osa_distance("pasword", "password"), 1);
        assert_eq!(osa_distance("teh", "the"), 1);
        assert_eq!(osa_distance("paswrod", "password"), 2);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("zamówienie", "zamowienie"), 1);
        // OSA does not edit a transposed pair again: 3, where unrestricted Damerau gives 2.
        assert_eq!(osa_distance("ca", "abc"), 3);
    }

    #[test]
    fn long_words_fall_back() {
        let a = "a".repeat(60);
        let b = format!("{}b", "a".repeat(58));
        assert_eq!(osa_distance(&a, &b), 2);
    }

    proptest! {
        #[test]
        fn equals_strsim(a in "[abcłя]{0,12}", b in "[abcłя]{0,12}") {
            prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
        }

        #[test]
        fn a_swap_of_two_different_letters_is_one_edit(a in "[abcя]{2,8}", i in 0usize..7) {
            let mut chars: Vec<char> = a.chars().collect();
            let i = i % (chars.len() - 1);
            chars.swap(i, i + 1);
            let b: String = chars.into_iter().collect();
            prop_assert_eq!(is_adjacent_swap(&a, &b), a != b);
            prop_assert_eq!(osa_distance(&a, &b), usize::from(a != b));
        }

        #[test]
        fn equals_strsim_near_the_stack_limit(a in "[ab]{40,56}", b in "[ab]{40,56}") {
            prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
        }
    }

    #[test]
    fn adjacent_swaps() {
        assert!(is_adjacent_swap("bakc", "back"));
        assert!(is_adjacent_swap("cots", "cost"));
        assert!(is_adjacent_swap("закза", "заказ"));
        assert!(!is_adjacent_swap("back", "back"));
        assert!(!is_adjacent_swap("most", "cost"));
        assert!(!is_adjacent_swap("abcd", "badc"));
        assert!(!is_adjacent_swap("abc", "abcd"));
        assert!(!is_adjacent_swap("", ""));
    }
}
