"""Renderers: the model to text, HTML and DOCX.  Each dispatches by node type and fails loudly on one it does not know."""
