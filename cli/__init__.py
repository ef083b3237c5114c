"""vnsearch: cli."""
