//! A map with a cap, for the process-wide in-memory caches (revisions, image configs,
//! findings, SSM parameters): `toadtop watch` runs for weeks and every deploy brings new
//! keys, so a cache that only grows would grow for weeks. When full, the entry used
//! longest ago goes. The caps are sized so a large account (2,000 services) fits whole:
//! in normal use nothing is evicted and a hit stays a hit.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// Entries with a use counter; `order` maps each entry's last use to its key, so the
/// least recently used is `order`'s first (O(log n) a use, no unsafe list).
#[derive(Debug)]
pub struct Bounded<K, V> {
    cap: usize,
    tick: u64,
    entries: HashMap<K, (u64, V)>,
    order: BTreeMap<u64, K>,
}

impl<K: Eq + Hash + Clone, V> Bounded<K, V> {
    /// At most `cap` entries (at least one).
    pub fn new(cap: usize) -> Bounded<K, V> {
        Bounded {
            cap: cap.max(1),
            tick: 0,
            entries: HashMap::new(),
            order: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// The value for `key`, marked as just used.
    pub fn get<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let tick = self.next_tick();
        let (used, _) = self.entries.get_mut(key)?;
        let old = std::mem::replace(used, tick);
        if let Some(k) = self.order.remove(&old) {
            self.order.insert(tick, k);
        }
        self.entries.get(key).map(|(_, v)| v)
    }

    /// The value for `key` without marking it used (an expiry check).
    pub fn peek<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries.get(key).map(|(_, v)| v)
    }

    /// Stores `value` for `key` as just used; when that makes one too many, the entry
    /// used longest ago goes.
    pub fn insert(&mut self, key: K, value: V) {
        let tick = self.next_tick();
        if let Some((old, _)) = self.entries.insert(key.clone(), (tick, value)) {
            self.order.remove(&old);
        }
        self.order.insert(tick, key);
        while self.entries.len() > self.cap {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
    }

    pub fn remove<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let (used, value) = self.entries.remove(key)?;
        self.order.remove(&used);
        Some(value)
    }

    /// Keeps only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let order = &mut self.order;
        self.entries.retain(|k, (used, v)| {
            let kept = keep(k, v);
            if !kept {
                order.remove(used);
            }
            kept
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_goes_when_full() {
        let mut m = Bounded::new(3);
        for k in ["a", "b", "c"] {
            m.insert(k, k.len());
        }
        // "a" is used, so "b" is now the one used longest ago.
        assert_eq!(m.get(&"a"), Some(&1));
        m.insert("d", 1);
        assert_eq!(m.len(), 3);
        assert!(m.peek(&"b").is_none());
        for k in ["a", "c", "d"] {
            assert!(m.peek(&k).is_some(), "{k}");
        }
        // Replacing a value is a use, not a second entry.
        m.insert("c", 9);
        m.insert("e", 1);
        assert_eq!(m.len(), 3);
        assert!(m.peek(&"a").is_none());
        assert_eq!(m.peek(&"c"), Some(&9));
    }

    #[test]
    fn the_cap_holds_over_many_inserts_and_order_stays_in_step() {
        let mut m = Bounded::new(100);
        for i in 0..10_000u32 {
            m.insert(i, i);
            if i % 7 == 0 {
                m.get(&(i / 2));
            }
        }
        assert_eq!(m.len(), 100);
        assert_eq!(m.order.len(), 100, "one order slot per entry");
        assert!(m.peek(&9_999).is_some());
        m.retain(|k, _| k % 2 == 0);
        assert_eq!(m.order.len(), m.len());
        assert_eq!(m.remove(&9_998), Some(9_998));
        assert_eq!(m.order.len(), m.len());
    }
}
