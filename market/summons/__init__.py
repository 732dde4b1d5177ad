"""吹哨报到: summoning a department to an order, its acknowledgement and report, and the watch on both."""
