"""Template filters of the engine, usable by every process's pages."""
