"""vnsearch: search."""
