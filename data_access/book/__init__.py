"""What a page reads: the loaded book, the slice of it a view selects, and the view context."""
