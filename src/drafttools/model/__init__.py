"""The instrument as a tree: its elements, numbering profiles, numbering, reference grammar and ID rules.

Standard library only."""
