"""One module per `stepscope` sub-command."""
