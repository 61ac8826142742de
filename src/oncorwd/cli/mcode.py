"""``oncorwd`` commands for mcode (being written)."""
