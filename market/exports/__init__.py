"""台账 exports: reports (a title, columns, rows for an area and a date range) written as CSV or xlsx."""
