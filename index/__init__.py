"""vnsearch: index."""
