"""vnsearch's own command line (:mod:`vnsearch.cli`) and benchmark (:mod:`vnsearch.bench`).

The engine itself is the four packages beside this one: crawler, index, search and webui.
"""
