"""The instrument as a tree: its elements, numbering conventions, reference grammar and ID rules. Standard library only."""
