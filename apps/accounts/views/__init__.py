"""The workspace pages: the list, a workspace's page, its members, its redaction rules and its
audit log. Views only translate HTTP to service and selector calls and back; every value shown
is escaped by the templates."""
