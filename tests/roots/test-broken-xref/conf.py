# A small code text built by the drafttools Sphinx extension (tests/sphinx).
extensions = ["myst_parser", "drafttools.sphinx_ext"]
myst_enable_extensions = ["colon_fence"]
drafttools_source = "code_text"
root_doc = "index"
include_patterns = ["index.md", "code_text/*.md"]
