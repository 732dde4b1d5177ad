"""社区派单: dispatch rounds that turn an area's open orders and members into a problem for `matching` and back."""
