//! Offsets in a generated HCL text mapped back to the file it was generated
//! from: a `.tf.json` file is evaluated through the HCL text it translates
//! to (see `json_syntax`), and every span the evaluator takes from that
//! text must point into the JSON the user wrote.

use crate::model::{SpanChildren, SpanNode};
use crate::source::Span;

/// One piece of generated text and the original text it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    generated: Span,
    original: Span,
}

impl Piece {
    /// Whether offsets inside the piece map one to one: text copied as it
    /// is (an expression, a number, a string without escapes).
    fn is_copy(&self) -> bool {
        self.generated.end - self.generated.start == self.original.end - self.original.start
    }
}

/// Generated offset → original offset, built piece by piece in the order
/// the text is generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SpanMap {
    pieces: Vec<Piece>,
}

impl SpanMap {
    /// Records that `generated` (appended after every earlier piece) stands
    /// for `original`.
    pub fn push(&mut self, generated: Span, original: Span) {
        if generated.start == generated.end {
            return;
        }
        debug_assert!(self
            .pieces
            .last()
            .is_none_or(|p| p.generated.end <= generated.start));
        self.pieces.push(Piece {
            generated,
            original,
        });
    }

    /// The original offset where something starting at `offset` starts.
    /// An offset between pieces (generated layout) belongs to the next one.
    pub fn start(&self, offset: usize) -> usize {
        let at = self.pieces.partition_point(|p| p.generated.end <= offset);
        let Some(piece) = self.pieces.get(at) else {
            return self.pieces.last().map_or(0, |p| p.original.end);
        };
        if offset <= piece.generated.start || !piece.is_copy() {
            piece.original.start
        } else {
            piece.original.start + (offset - piece.generated.start)
        }
    }

    /// The original offset where something ending at `offset` ends. An
    /// offset between pieces belongs to the piece before it.
    pub fn end(&self, offset: usize) -> usize {
        let at = self.pieces.partition_point(|p| p.generated.start < offset);
        let Some(piece) = at.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return self.pieces.first().map_or(0, |p| p.original.start);
        };
        if offset >= piece.generated.end || !piece.is_copy() {
            piece.original.end
        } else {
            piece.original.start + (offset - piece.generated.start)
        }
    }

    /// A generated span as the original span it covers.
    pub fn span(&self, span: Span) -> Span {
        let start = self.start(span.start);
        Span::new(start, self.end(span.end).max(start))
    }

    /// A whole span tree mapped.
    pub fn node(&self, node: SpanNode) -> SpanNode {
        SpanNode {
            key: node.key.map(|k| self.span(k)),
            value: self.span(node.value),
            children: match node.children {
                SpanChildren::Leaf => SpanChildren::Leaf,
                SpanChildren::Map(entries) => SpanChildren::Map(
                    entries
                        .into_iter()
                        .map(|(name, child)| (name, self.node(child)))
                        .collect(),
                ),
                SpanChildren::List(items) => {
                    SpanChildren::List(items.into_iter().map(|n| self.node(n)).collect())
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> SpanMap {
        // generated: `name = "abc"` from original `"name": "abc"` at 10.
        let mut map = SpanMap::default();
        map.push(Span::new(0, 4), Span::new(10, 16));
        map.push(Span::new(7, 12), Span::new(18, 23));
        map
    }

    #[test]
    fn copied_pieces_map_offset_by_offset() {
        let map = map();
        assert_eq!(map.span(Span::new(8, 11)), Span::new(19, 22));
        assert_eq!(map.span(Span::new(7, 12)), Span::new(18, 23));
    }

    #[test]
    fn rewritten_pieces_map_to_their_whole_original() {
        let map = map();
        assert_eq!(map.span(Span::new(0, 4)), Span::new(10, 16));
        assert_eq!(map.span(Span::new(1, 3)), Span::new(10, 16));
    }

    #[test]
    fn layout_between_pieces_belongs_to_its_neighbours() {
        let map = map();
        // ` = ` starts the value and ends the key.
        assert_eq!(map.start(5), 18);
        assert_eq!(map.end(5), 16);
        assert_eq!(map.span(Span::new(0, 12)), Span::new(10, 23));
        assert_eq!(map.start(40), 23);
    }
}
