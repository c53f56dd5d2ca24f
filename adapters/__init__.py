"""The adapter SDK department teams import, and one package per department."""
