"""Flask CLI commands, registered by the app factory: `flask --app app <command>`."""
