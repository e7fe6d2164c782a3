"""URL patterns of the teacher's workspace, one module per part."""
