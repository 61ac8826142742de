"""``oncorwd`` commands for omop (being written)."""
