"""One module per app screen; each is a Textual mode of :class:`prehab.tui.app.PrehabApp`."""
