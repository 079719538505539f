"""Renderers: the model to text, HTML, DOCX and MyST.

Each dispatches by role and fails loudly on one it does not know."""
