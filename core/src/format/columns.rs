//! Packed in-memory columns for per-game text and lists: one allocation per column instead of
//! one per game. A `String` or `Vec` per game costs its header (12 bytes on wasm32, 24 natively)
//! plus the allocator's own overhead, which for 332k short names and platform lists was more
//! than the data itself.
//!
//! [`StrColumn`] is also the stored shape of title names: the names joined by `'\n'` compress
//! better than length-prefixed strings (no length bytes between the words), and decoding keeps
//! the decompressed text as is.

use std::ops::Index;

use super::FormatError;

/// Strings stored end to end, separated by `'\n'` (which no item contains).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrColumn {
    text: String,
    /// Byte offset where each item ends.
    ends: Vec<u32>,
}

impl StrColumn {
    /// Appends an item; a line break inside it becomes a space, as the separator is reserved.
    pub fn push(&mut self, item: &str) {
        if !self.ends.is_empty() {
            self.text.push('\n');
        }
        if item.contains('\n') {
            self.text.push_str(&item.replace('\n', " "));
        } else {
            self.text.push_str(item);
        }
        self.ends.push(self.text.len() as u32);
    }

    /// Item `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize + 1,
        };
        Some(&self.text[start..end])
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    /// The items joined by `'\n'`: the stored form.
    pub fn joined(&self) -> &str {
        &self.text
    }

    /// Splits stored text back into `count` items. Fails when the text holds another number
    /// of items or is too long to address.
    pub fn from_joined(text: String, count: usize) -> Result<StrColumn, FormatError> {
        if u32::try_from(text.len()).is_err() {
            return Err(FormatError::Inconsistent(format!(
                "a text column of {} bytes is too long",
                text.len()
            )));
        }
        let mut ends = Vec::with_capacity(count);
        if count > 0 {
            ends.extend(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(at, _)| at as u32),
            );
            ends.push(text.len() as u32);
        } else if !text.is_empty() {
            ends.push(0);
        }
        if ends.len() != count {
            return Err(FormatError::Inconsistent(format!(
                "text column holds {} items, expected {count}",
                ends.len()
            )));
        }
        Ok(StrColumn { text, ends })
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + 4 * self.ends.capacity()
    }
}

impl Index<usize> for StrColumn {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        self.get(i).expect("text column index in range")
    }
}

impl<S: AsRef<str>> FromIterator<S> for StrColumn {
    fn from_iter<I: IntoIterator<Item = S>>(items: I) -> Self {
        let mut column = StrColumn::default();
        for item in items {
            column.push(item.as_ref());
        }
        column
    }
}

/// Short lists stored end to end (a game's platforms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListColumn<T> {
    items: Vec<T>,
    /// Index in `items` where each list ends.
    ends: Vec<u32>,
}

impl<T: Copy> ListColumn<T> {
    pub fn push(&mut self, list: &[T]) {
        self.items.extend_from_slice(list);
        self.ends.push(self.items.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every item of every list.
    pub fn flat(&self) -> &[T] {
        &self.items
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<T>() * self.items.capacity() + 4 * self.ends.capacity()
    }
}

impl<T: Copy> Index<usize> for ListColumn<T> {
    type Output = [T];

    fn index(&self, i: usize) -> &[T] {
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        &self.items[start..self.ends[i] as usize]
    }
}

impl<T: Copy, L: AsRef<[T]>> FromIterator<L> for ListColumn<T> {
    fn from_iter<I: IntoIterator<Item = L>>(lists: I) -> Self {
        let mut column = ListColumn {
            items: Vec::new(),
            ends: Vec::new(),
        };
        for list in lists {
            column.push(list.as_ref());
        }
        column
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_columns_round_trip_through_their_joined_form() {
        for items in [
            vec![],
            vec![""],
            vec!["", ""],
            vec!["Hades", "", "Celeste ✓"],
        ] {
            let column: StrColumn = items.iter().collect();
            assert_eq!(column.iter().collect::<Vec<_>>(), items);
            let back = StrColumn::from_joined(column.joined().to_string(), items.len()).unwrap();
            assert_eq!(back, column);
        }
    }

    #[test]
    fn line_breaks_inside_items_become_spaces() {
        let column: StrColumn = ["Half\nLife", "Portal"].into_iter().collect();
        assert_eq!(&column[0], "Half Life");
        assert_eq!(column.get(2), None);
    }

    #[test]
    fn joined_text_with_another_item_count_is_rejected() {
        assert!(StrColumn::from_joined("a\nb".into(), 3).is_err());
        assert!(StrColumn::from_joined("a\nb".into(), 1).is_err());
        assert!(StrColumn::from_joined("a".into(), 0).is_err());
        assert_eq!(StrColumn::from_joined(String::new(), 0).unwrap().len(), 0);
    }

    #[test]
    fn list_columns_index_like_nested_vectors() {
        let lists = [vec![0u16, 1], vec![], vec![7]];
        let column: ListColumn<u16> = lists.iter().collect();
        assert_eq!(column.iter().collect::<Vec<_>>(), [&[0, 1][..], &[], &[7]]);
        assert_eq!(column.flat(), [0, 1, 7]);
    }
}
