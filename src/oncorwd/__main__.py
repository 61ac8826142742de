"""``python -m oncorwd`` runs the CLI."""

from oncorwd.cli import main

main()
