return 0; // Replaced by the CLI verbs.
