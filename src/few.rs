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

/// Pushes `item`, growing a list one slot at a time while it holds fewer than `TIGHT` items,
/// then by doubling as usual. A `Vec`'s first push makes room for four, and the per-candidate
/// lists this serves (interviews, sign-in addresses, devices) mostly hold one to three: at a
/// million candidates the empty slots were a few hundred megabytes, all touched for the first
/// time. The old buffers go back to the allocator, which hands them to the next small list.
pub fn push_tight<T>(list: &mut Vec<T>, item: T) {
    const TIGHT: usize = 4;
    if list.len() == list.capacity() && list.len() < TIGHT {
        list.reserve_exact(1);
    }
    list.push(item);
}

#[cfg(test)]
mod tests {
    use super::{gathered, push_tight};

    /// Room grows by one while the list is short, then by doubling; items stay in order.
    #[test]
    fn short_lists_grow_by_one_then_double() {
        let mut v: Vec<u64> = Vec::new();
        let mut caps = Vec::new();
        for i in 0..9 {
            push_tight(&mut v, i);
            caps.push(v.capacity());
        }
        assert_eq!(v, (0..9).collect::<Vec<_>>());
        assert_eq!(&caps[..4], &[1, 2, 3, 4]);
        // Past four, the usual amortised growth: each time room runs out it at least doubles.
        for k in 4..caps.len() {
            assert!(
                caps[k] == caps[k - 1] || caps[k] >= 2 * caps[k - 1],
                "{caps:?}"
            );
        }
        assert!(caps[4] >= 8, "{caps:?}");
    }

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
