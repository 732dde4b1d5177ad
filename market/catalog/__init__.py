"""The service category taxonomy (服务类别) as admins keep it: names, icons, descriptions, in use or not."""
