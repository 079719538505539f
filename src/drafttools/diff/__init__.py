"""The diff engine: two models in, one change tree out."""
