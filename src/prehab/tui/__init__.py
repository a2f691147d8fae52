"""The Textual app. The only package (with prehab.commands.ui) allowed to import Textual."""
