"""`python -m cli` runs the vnsearch command."""

from cli.main import main

main()
