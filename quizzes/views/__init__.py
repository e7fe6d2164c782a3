"""Views, split by who uses them."""
