"""vnsearch: crawler."""
