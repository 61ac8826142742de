"""Table builders: each module turns the drawn block into some of the 18 OSIRIS RWD tables."""
