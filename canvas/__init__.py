"""The canvas: the page a visitor draws on and POST /api/recognize/, the top of the house."""
