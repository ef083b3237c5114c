"""`python -m vnsearch.cli` runs the vnsearch command."""

from vnsearch.cli.main import main

if __name__ == "__main__":  # a rebuild's worker processes import this module again
    main()
