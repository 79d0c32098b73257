//! Short lists gathered on the stack: a name's words, a row's values. Each call site had
//! allocated a vector for a handful of items, once per name or row.

/// Calls `f` with the items of an iterator gathered in a slice: on the stack when there are
/// at most `N`, else in a vector.
pub fn gathered<'w, const N: usize, R>(
    items: impl Iterator<Item = &'w str>,
    f: impl FnOnce(&mut [&'w str]) -> R,
) -> R {
    let mut few = [""; N];
    let mut n = 0;
    let mut many: Vec<&str> = Vec::new();
    for w in items {
        if n < N {
            few[n] = w;
        } else {
            if many.is_empty() {
                many.extend_from_slice(&few);
            }
            many.push(w);
        }
        n += 1;
    }
    if many.is_empty() {
        f(&mut few[..n])
    } else {
        f(&mut many)
    }
}

#[cfg(test)]
mod tests {
    use super::gathered;

    /// Every item, in order, whether the list fits the stack buffer, fills it or runs past it.
    #[test]
    fn items_come_back_in_order_below_at_and_past_the_buffer() {
        for n in [0, 1, 3, 4, 5, 9] {
            let items: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
            let got = gathered::<4, _>(items.iter().map(String::as_str), |s| {
                s.iter().map(|w| w.to_string()).collect::<Vec<_>>()
            });
            assert_eq!(got, items, "{n} items");
        }
    }
}
