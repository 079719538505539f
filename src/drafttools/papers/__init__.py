"""Papers: a Board or Regional Committee document's front matter, body and document type."""
