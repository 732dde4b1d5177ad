"""Units: departments, businesses and social organisations, and their registration to communities."""
